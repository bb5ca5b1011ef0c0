/* The full tax invoice form: typing a buyer's tax ID (or name) offers the buyers remembered
   from earlier invoices; choosing one fills the form. */
import { apiOk } from "./shared.js";

const form = document.querySelector("[data-buyer-form]");
if (form) {
  const list = form.querySelector("[data-buyer-found]");
  let timer = null;
  let asked = "";
  const fill = function (buyer) {
    form.elements.tax_id.value = buyer.tax_id;
    form.elements.name.value = buyer.name;
    form.elements.address.value = buyer.address;
    form.elements.branch.value = buyer.branch;
    list.hidden = true;
  };
  const look = async function (text) {
    if (text.replace(/[\s-]/g, "").length < 3 || text === asked) return;
    asked = text;
    let found = [];
    try { found = await apiOk("GET", "/api/v1/tax-buyers?q=" + encodeURIComponent(text)); } catch (e) { return; }
    list.replaceChildren();
    for (const buyer of found) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = buyer.name + " · " + buyer.tax_id + " · " + buyer.branch;
      button.addEventListener("click", function () { fill(buyer); });
      item.append(button);
      list.append(item);
    }
    list.hidden = found.length === 0;
  };
  form.addEventListener("input", function (event) {
    if (!event.target.hasAttribute("data-buyer-lookup")) return;
    clearTimeout(timer);
    const text = event.target.value.trim();
    timer = setTimeout(function () { look(text); }, 250);
  });
}
