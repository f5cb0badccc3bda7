// The search page's result count in Spanish, singular or plural. Sphinx's Spanish catalogue has one
// plural-only text («se encontraron 1 páginas»), which the search script fills with
// `.replace("${resultCount}", n)`; the message is given here as an object whose replace picks the form.
(() => {
  const KEY = "Search finished, found ${resultCount} page(s) matching the search query.";
  const message = {
    replace: (_placeholder, count) =>
      Number(count) === 1
        ? "Búsqueda finalizada, se encontró 1 página que coincide con la consulta de búsqueda."
        : `Búsqueda finalizada, se encontraron ${count} páginas que coinciden con la consulta de búsqueda.`,
  };
  // A [singular, plural] pair: Documentation.gettext returns its first element as it is.
  Documentation.TRANSLATIONS[KEY] = [message, message];
})();
