/* The payout run preview: the total and count follow the ticked boxes; tick or untick all. */
import { baht } from "./shared.js";

const form = document.querySelector("[data-preview]");
if (form) bindPreview(form);

function bindPreview(form) {
  const boxes = Array.from(form.querySelectorAll("input[name=pay]"));
  const totals = form.querySelectorAll("[data-total]");
  const counts = form.querySelectorAll("[data-count]");

  function update() {
    let total = 0;
    let count = 0;
    for (const box of boxes) {
      box.closest("tr").classList.toggle("left-out", !box.checked);
      if (box.checked) {
        total += parseInt(box.dataset.amount, 10);
        count += 1;
      }
    }
    for (const cell of totals) cell.textContent = baht(total);
    for (const cell of counts) cell.textContent = String(count);
  }

  form.addEventListener("change", update);
  for (const button of form.querySelectorAll("[data-all]")) {
    button.addEventListener("click", function () {
      for (const box of boxes) box.checked = button.dataset.all === "1";
      update();
    });
  }
}
