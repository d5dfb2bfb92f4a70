// Small behaviours of our own: the mobile menu, and the "saved" state of autosaved forms.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }
  // After a save that brings the page back to one of its sections (#admissibility, #reviews…),
  // show its confirmation there, where the user is, not at the top of a long page.
  const flash = document.querySelector(".messages");
  const landing = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  if (flash && landing && landing.tagName !== "MAIN") {
    const heading = landing.querySelector("h2, h3");
    if (heading) heading.after(flash); else landing.prepend(flash);
  }
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Autosave that cannot reach the server says so where the "saved" state shows.
  document.body.addEventListener("htmx:sendError", (event) => {
    const state = event.target.closest("form")?.querySelector("#save-state") || document.getElementById("save-state");
    if (state) {
      state.textContent = document.documentElement.lang === "en"
        ? "Not saved: no connection. Your text is still here; it will be saved when the connection returns."
        : "Non enregistré : pas de connexion. Votre texte est conservé ici ; il sera enregistré au retour de la connexion.";
      state.classList.add("error");
    }
  });
  // A form submitted once cannot be sent twice by a double click.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
