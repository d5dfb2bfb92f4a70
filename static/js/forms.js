// Our own form helpers, added on top of controls that work without them:
// - the error summary takes the focus after a refused submission, and its links focus the field;
// - a country select marked `data-country-picker` becomes a filter box, a list of checkboxes (or radio
//   buttons for one country) and removable chips. The select stays the form's control: the script only
//   sets which of its options are selected, so what is stored and what is sent never differ.
(() => {
  // "Sénégal", "senegal", "SENEG" all read alike; hyphens and apostrophes count as spaces.
  const plain = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[-’'(),]+/g, " ").replace(/\s+/g, " ").toLowerCase().trim();
  // A country matches when its name, or one of its words, begins with what was typed ("mali" is not "Somalie").
  const matches = (key, wanted) => key.startsWith(wanted) || key.includes(` ${wanted}`);
  const element = (tag, props = {}, attrs = {}) => {
    const node = Object.assign(document.createElement(tag), props);
    Object.entries(attrs).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  };

  function enhancePicker(select) {
    const texts = JSON.parse(select.dataset.countryPicker);
    const id = select.id;
    const multiple = select.multiple;
    const label = document.querySelector(`label[for="${id}"]`);
    const labelText = label ? label.textContent.replace("*", "").trim() : texts.filter;
    const help = document.getElementById(`${id}_helptext`);
    const error = document.getElementById(`${id}_error`);
    if (help) help.textContent = texts.hint;

    const wrapper = element("div", { className: "country-picker" });
    const chipsTitle = element("p", { className: "picker-chips-title", id: `${id}-chosen`, textContent: texts.chosen });
    const chips = element("ul", { className: "picker-chips" }, { "aria-labelledby": `${id}-chosen` });
    const filter = element("input", { type: "search", id: `${id}-filter`, autocomplete: "off", className: "picker-filter" }, {
      "aria-controls": `${id}-options`,
      "aria-describedby": [help && help.id, error && error.id, `${id}-count`].filter(Boolean).join(" "),
      spellcheck: "false",
    });
    if (error) filter.setAttribute("aria-invalid", "true");
    const count = element("p", { className: "visually-hidden", id: `${id}-count` }, { "aria-live": "polite" });
    const list = element("div", { className: "picker-options", id: `${id}-options` }, { role: "group", "aria-label": labelText });
    const items = [];
    Array.from(select.options).forEach((option) => {
      if (!option.value) return;
      const input = element("input", { type: multiple ? "checkbox" : "radio", value: option.value, id: `${id}-option-${option.value}` });
      if (!multiple) {
        input.name = `${id}-picker`;
        input.setAttribute("form", `${id}-not-sent`); // grouped, yet never sent: the select carries the value
      }
      const row = element("label", { className: "picker-option" }, { for: input.id });
      row.append(input, document.createTextNode(` ${option.text}`));
      list.append(row);
      items.push({ option, input, row, key: plain(option.text) });
    });
    if (label) label.htmlFor = filter.id;
    select.classList.add("visually-hidden");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    wrapper.append(chipsTitle, chips, filter, count, list);
    select.before(wrapper);

    const visible = () => items.filter((item) => !item.row.hidden);
    const show = () => {
      chips.replaceChildren();
      items.forEach((item) => {
        item.input.checked = item.option.selected;
        if (!item.option.selected) return;
        const remove = element("button", { type: "button", className: "chip-remove", textContent: "×" }, {
          "aria-label": texts.remove.replace("%s", item.option.text),
        });
        remove.addEventListener("click", () => {
          item.option.selected = false;
          changed();
          filter.focus();
        });
        const chip = element("li", { className: "chip" });
        chip.append(element("span", { textContent: item.option.text }), remove);
        chips.append(chip);
      });
      if (!chips.children.length) chips.append(element("li", { className: "picker-none", textContent: texts.none_chosen }));
    };
    // Other scripts (autosave) hear the select change; the chips follow it, whoever changed it.
    const changed = () => select.dispatchEvent(new Event("change", { bubbles: true }));
    const choose = (item, on) => {
      if (multiple) item.option.selected = on;
      else select.value = on ? item.option.value : "";
      changed();
    };
    const narrow = () => {
      const wanted = plain(filter.value);
      items.forEach((item) => { item.row.hidden = Boolean(wanted) && !matches(item.key, wanted); });
      const n = visible().length;
      count.textContent = !wanted ? "" : n === 0 ? texts.no_match : n === 1 ? texts.one_match : texts.matches.replace("%s", n);
    };

    items.forEach((item) => item.input.addEventListener("change", () => choose(item, item.input.checked)));
    select.addEventListener("change", show);
    filter.addEventListener("input", narrow);
    filter.addEventListener("keydown", (event) => {
      const shown = visible();
      if (event.key === "Enter") {
        event.preventDefault(); // Enter picks the first country shown; it never sends the form
        if (filter.value.trim() && shown.length) {
          choose(shown[0], true);
          filter.value = "";
          narrow();
        }
      } else if (event.key === "ArrowDown" && shown.length) {
        event.preventDefault();
        shown[0].input.focus();
      }
    });
    list.addEventListener("keydown", (event) => {
      if (!multiple || !["ArrowDown", "ArrowUp", "Escape"].includes(event.key)) return;
      event.preventDefault();
      if (event.key === "Escape") { filter.focus(); return; }
      const shown = visible();
      const at = shown.findIndex((item) => item.input === document.activeElement);
      const next = shown[at + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) next.input.focus(); else if (event.key === "ArrowUp") filter.focus();
    });
    show();
  }

  function focusField(target) {
    const field = target.dataset.countryPicker !== undefined ? document.getElementById(`${target.id}-filter`) || target : target;
    const label = document.querySelector(`label[for="${field.id}"]`) || field.closest(".form-field") || field;
    label.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-country-picker]").forEach(enhancePicker);
    const summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", (event) => {
        const link = event.target.closest("a[href^='#']");
        const target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
        if (!target) return;
        event.preventDefault();
        const focusable = target.matches("input, select, textarea, button") ? target : target.querySelector("input, select, textarea") || target;
        focusField(focusable);
      });
    }
  });
})();
