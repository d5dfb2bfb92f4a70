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
  const landingId = window.location.hash && decodeURIComponent(window.location.hash.slice(1));
  const placeFlash = (landing) => {
    if (!flash || !landing || landing.tagName === "MAIN") return;
    const heading = landing.querySelector("h2, h3");
    if (heading) heading.after(flash); else landing.prepend(flash);
  };
  const landing = landingId && document.getElementById(landingId);
  if (landing && landing.hasAttribute("data-panel")) {
    // A section the page fetches once shown (reviews.dossier_panels): once it has arrived, in place of its
    // heading, the confirmation goes there and the section is brought back into view.
    const onArrival = () => {
      const arrived = document.getElementById(landingId);
      if (!arrived || arrived.hasAttribute("data-panel")) return;
      document.body.removeEventListener("htmx:afterSettle", onArrival);
      placeFlash(arrived);
      arrived.scrollIntoView();
    };
    document.body.addEventListener("htmx:afterSettle", onArrival);
  } else {
    placeFlash(landing);
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
  document.body.addEventListener("htmx:load", frameTables);  // tables of a panel that has just arrived
  // Sections fetched once the page is shown that could not be fetched say so, and offer their own page.
  const panelFailed = (event) => {
    const part = event.detail.elt;
    if (!part.querySelectorAll) return;
    const states = part.querySelectorAll("[data-panel-state]");
    if (!states.length) return;
    part.removeAttribute("aria-busy");
    states.forEach((state) => {
      state.textContent = document.documentElement.lang === "en" ? "Could not be loaded. " : "Chargement impossible. ";
      const link = document.createElement("a");
      link.href = part.getAttribute("hx-get");
      link.textContent = document.documentElement.lang === "en" ? "Open it on its own page" : "L'ouvrir sur sa propre page";
      state.append(link);
      state.setAttribute("role", "alert");
    });
  };
  document.body.addEventListener("htmx:responseError", panelFailed);
  document.body.addEventListener("htmx:sendError", panelFailed);
  // Listened for on the document, so forms that arrive later (a panel) ask too.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  // A form with two buttons (save a draft, send for good): only the button that carries the question asks it.
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
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
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches("form[data-once]")) return;
    form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
  });
});
