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
  // A table wider than the screen scrolls in its frame: the frame takes the keyboard focus so arrow keys
  // scroll it, and says what it holds (WCAG 2.1.1; axe "scrollable-region-focusable").
  const frameTables = () => document.querySelectorAll(".table-wrap").forEach((frame) => {
    if (frame.scrollWidth > frame.clientWidth && !frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("role", "region");
      const caption = frame.querySelector("caption") || frame.closest("section, article, .card")?.querySelector("h2, h3");
      frame.setAttribute("aria-label", caption ? caption.textContent.trim() : (document.documentElement.lang === "en" ? "Table" : "Tableau"));
    }
  });
  frameTables();
  window.addEventListener("resize", frameTables);
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A form with two buttons (save a draft, send for good): only the button that carries the question asks it.
  document.querySelectorAll("button[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
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
