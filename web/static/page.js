/* Behaviours the server-rendered pages (receipts, reports, the portal, payouts, stock) declare
   in data attributes, because the Content-Security-Policy runs no inline handlers:
     <button data-print>               prints the page
     <form data-confirm="question">    submits only when the person says yes */
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("submit", function (event) {
  const question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
