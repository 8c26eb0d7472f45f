// The mlhw book's page script: a control that opens (or closes) every solution of a chapter; the
// self-check boxes (jupyterquiz), whose scripts the build marks "text/x-mlhw-quiz" so that they
// run here once MathJax is ready (they typeset their questions with it); and accessible names for
// the self-check inputs (jupyterquiz does not tie its label to its input).
const runQuizzes = () => document.querySelectorAll('script[type="text/x-mlhw-quiz"]').forEach(old => {
  const script = document.createElement("script");
  script.text = old.text;
  old.replaceWith(script);
});
document.addEventListener("DOMContentLoaded", () => {
  const startup = window.MathJax && window.MathJax.startup;
  if (startup && startup.promise) startup.promise.then(runQuizzes, runQuizzes);
  else runQuizzes();
});
document.addEventListener("DOMContentLoaded", () => {
  const solutions = () => [...document.querySelectorAll(".solution.dropdown")];
  const heading = document.querySelector("article.bd-article h1") || document.querySelector("article h1");
  if (solutions().length && heading) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "mlhw-open-all";
    const label = () => {
      const closed = solutions().some(s => s.classList.contains("toggle-hidden"));
      button.textContent = closed ? "Open all solutions" : "Close all solutions";
      button.setAttribute("aria-pressed", closed ? "false" : "true");
    };
    button.addEventListener("click", () => {
      const open = solutions().some(s => s.classList.contains("toggle-hidden"));
      solutions().filter(s => s.classList.contains("toggle-hidden") === open)
        .forEach(s => s.querySelector(".toggle-button").click());
      label();
    });
    heading.insertAdjacentElement("afterend", button);
    label();
    // the solutions' own toggles change the state too
    new MutationObserver(label).observe(document.body, {subtree: true, attributes: true,
                                                          attributeFilter: ["class"]});
  }
  const name = () => document.querySelectorAll(".Quiz input.Input-text:not([aria-label])")
    .forEach(i => i.setAttribute("aria-label", "Type your answer, then press Enter"));
  name();
  new MutationObserver(name).observe(document.body, {childList: true, subtree: true});
});
// A link to something inside a closed solution (the errata page links to each erratum in its
// chapter) opens that solution and shows the target.
const openLinkedSolution = () => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  const solution = target && target.closest(".solution.dropdown.toggle-hidden");
  if (solution) {
    solution.querySelector(".toggle-button").click();
    target.scrollIntoView();
  }
};
window.addEventListener("load", openLinkedSolution);
window.addEventListener("hashchange", openLinkedSolution);
