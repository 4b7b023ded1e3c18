/* New ticket: pick the customer from the search results, then load their orders. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const pick = event.target.closest(".pick-customer");
    if (!pick) return;
    document.querySelector("input[name=customer]").value = pick.dataset.customer;
    const shown = document.getElementById("picked-customer");
    shown.innerHTML = "";
    const card = document.createElement("div");
    card.className = "alert alert-light border py-2 mb-2";
    card.textContent = pick.textContent.replace(/\s+/g, " ").trim();
    shown.appendChild(card);
    document.getElementById("customer-results").innerHTML = "";
    document.getElementById("customer-search").value = "";
    htmx.ajax("GET", pick.dataset.ordersUrl, {target: "#id_order", swap: "innerHTML"});
  });
})();
