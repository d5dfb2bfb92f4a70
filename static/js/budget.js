// "+ Ajouter une ligne" on the budget step: copy the empty row of <template id="budget-line-template"> into the
// list, numbered as the formset's next form (TOTAL_FORMS goes up by one), and put the focus on its first field.
// Without this script the button still works: it saves the step and the page comes back with one more row.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-add-line]");
  const template = document.getElementById("budget-line-template");
  const list = document.getElementById("budget-line-list");
  const total = document.querySelector("input[name$='-TOTAL_FORMS']");
  if (!button || !template || !list || !total) return;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const index = Number(total.value);
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    const row = holder.firstElementChild;
    list.append(row);
    total.value = String(index + 1);
    const first = row.querySelector("select, input:not([type=hidden]), textarea");
    if (first) {
      first.focus();
      row.scrollIntoView({ block: "nearest" });
    }
  });
});
