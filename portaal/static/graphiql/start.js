// Portaal's GraphiQL start-up: same-origin fetches (the session cookie rides along), the
// explorer plugin, and the query kept in the URL so a link can be shared.
(function () {
  const params = new URLSearchParams(window.location.search);
  const url = window.location.origin + window.location.pathname;
  const fetcher = GraphiQL.createFetcher({ url: url, headers: {} });
  const explorer = GraphiQLPluginExplorer.explorerPlugin();

  function App() {
    const [query, setQuery] = React.useState(params.get("q") || undefined);
    function onEditQuery(q) {
      setQuery(q);
      params.set("q", q);
      history.replaceState(null, "", "?" + params.toString());
    }
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      query: query,
      onEditQuery: onEditQuery,
      defaultEditorToolsVisibility: true,
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
