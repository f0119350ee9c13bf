// storyline serve: progressive enhancement only; every page works without this file.
(function () {
  "use strict";
  // The highlighted span of an article (?hl=) is brought into view and briefly pulsed.
  var anchor = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (anchor) { anchor.scrollIntoView({ block: "center" }); }
  // Build status: while a build runs, refresh the jobs table in place from the JSON API.
  var table = document.getElementById("jobs");
  if (table && table.getAttribute("data-active") === "yes" && window.fetch) {
    var tick = function () {
      fetch("/api/jobs", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (jobs) {
        var running = false;
        jobs.forEach(function (j) {
          var row = document.getElementById("job-" + j.id);
          if (!row) { return; }
          if (j.state === "queued" || j.state === "running") { running = true; }
          row.className = "state-" + j.state;
          row.querySelector(".state").textContent = j.state;
          row.querySelector(".stage").textContent = j.stage || "";
          row.querySelector(".progress").textContent = j.total ? (j.done + "/" + j.total) : (j.done ? String(j.done) : "");
          row.querySelector(".rate").textContent = j.rate ? (j.rate + "/s") : "";
          row.querySelector(".eta").textContent = (j.eta_s !== null && j.eta_s !== undefined) ? (Math.round(j.eta_s) + " s") : "";
          row.querySelector(".message").textContent = j.message + (j.build_id ? " (build " + j.build_id + ")" : "");
        });
        if (!running) { location.reload(); }
      }).catch(function () {});
    };
    setInterval(tick, 1500);
  }
})();
