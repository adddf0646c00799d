/* decontrol: dash-ag-grid's 1.3 MB bundle loaded only by the pages that draw a grid.
 *
 * The server (dashboard/scripts.py) renders this file in place of the bundle's <script> tag, with the
 * bundle's address in data-bundle; data-eager="1" when the page asked for has a grid in its layout.
 * `window.dash_ag_grid` is a stand-in namespace from the start, so Dash resolves `AgGrid` on every
 * page; its AgGrid loads the bundle the first time it renders (a page opened in the app), then
 * renders the real grid with the same props. The bundle's own `window.dash_ag_grid = ...` is caught
 * by a setter, so Dash keeps resolving the same component (no remount) and the grid's async chunks
 * are found from the bundle's script address as usual. No eval: a plain script element ('self').
 */
(function () {
  var script = document.currentScript;
  var src = script && script.getAttribute("data-bundle");
  var real = null; // the bundle's namespace, once it has run
  var loading = null;
  var stub = {};

  function load() {
    if (real) return Promise.resolve(real);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () {
          if (real) resolve(real);
          else reject(new Error("dash_ag_grid bundle loaded without its namespace"));
        };
        s.onerror = function () {
          loading = null;
          reject(new Error("dash_ag_grid bundle failed to load: " + src));
        };
        document.head.appendChild(s);
      });
    }
    return loading;
  }

  function AgGrid(props) {
    var state = React.useState(real);
    var ns = state[0];
    var setNs = state[1];
    React.useEffect(function () {
      if (!ns) {
        load().then(function (loaded) {
          setNs(loaded);
        });
      }
    }, []);
    if (ns) return React.createElement(ns.AgGrid, props);
    // a box of the grid's size until the bundle has run (the page does not jump when it appears)
    return React.createElement("div", { id: props.id, className: props.className, style: props.style });
  }

  stub.AgGrid = AgGrid;
  stub.getApi = function (id) {
    if (!real) throw new Error("dash_ag_grid is not loaded yet (use getApiAsync)");
    return real.getApi(id);
  };
  stub.getApiAsync = function (id) {
    return load().then(function (ns) {
      return ns.getApiAsync(id);
    });
  };

  Object.defineProperty(window, "dash_ag_grid", {
    configurable: true,
    get: function () {
      return stub;
    },
    set: function (ns) {
      real = ns;
      ["defaultProps", "propTypes", "dashPersistence", "persistenceTransforms"].forEach(function (k) {
        if (ns && ns.AgGrid && ns.AgGrid[k] !== undefined) AgGrid[k] = ns.AgGrid[k];
      });
    },
  });

  if (script && script.getAttribute("data-eager") === "1") load();
})();
