// A page whose table is wider than its box while the contents box («Contenido») keeps its own column
// beside the article: the page gives that column to its tables. pom.css then makes the contents box the
// drawer the header's button opens, as on narrower screens. Measured with that column in place, on
// load and on every resize, so the page never switches back and forth.
(() => {
  const root = document.documentElement;
  const WIDE = "pom-tablas-anchas";
  const fit = () => {
    root.classList.remove(WIDE);
    const boxes = Array.from(document.querySelectorAll(".pom-desplazable"));
    root.classList.toggle(WIDE, boxes.some((box) => box.scrollWidth > box.clientWidth + 1));
  };
  document.addEventListener("DOMContentLoaded", fit);
  window.addEventListener("load", fit);
  window.addEventListener("resize", fit);
})();
