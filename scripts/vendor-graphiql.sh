#!/usr/bin/env bash
# Vendor GraphiQL and its dependencies (all MIT) into portaal/static/graphiql/, so the IDE works
# without internet (index.html and start.js there are ours). Update: change a version below, run `make graphiql-assets`, commit the files.
set -euo pipefail
GRAPHIQL=3.8.3 REACT=18.3.1 EXPLORER=1.0.2
cd "$(dirname "$0")/.."
out=portaal/static/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" \
  "@graphiql/plugin-explorer@$EXPLORER" >/dev/null)
for f in "$work"/*.tgz; do d="${f%.tgz}"; mkdir -p "$d"; tar xzf "$f" -C "$d"; done
cp "$work/react-$REACT/package/umd/react.production.min.js" "$out/react.production.min.js"
cp "$work/react-dom-$REACT/package/umd/react-dom.production.min.js" "$out/react-dom.production.min.js"
cp "$work/graphiql-$GRAPHIQL/package/graphiql.min.js" "$out/graphiql.min.js"
cp "$work/graphiql-$GRAPHIQL/package/graphiql.min.css" "$out/graphiql.min.css"
cp "$work/graphiql-plugin-explorer-$EXPLORER/package/dist/index.umd.js" "$out/plugin-explorer.umd.js"
cp "$work/graphiql-plugin-explorer-$EXPLORER/package/dist/style.css" "$out/plugin-explorer.css"
{
  echo "Vendored by scripts/vendor-graphiql.sh from the npm registry; all MIT-licensed."
  echo "graphiql@$GRAPHIQL react@$REACT react-dom@$REACT @graphiql/plugin-explorer@$EXPLORER"
  echo
  for p in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
    echo "===== $p ====="; cat "$work/$p/package/LICENSE"; echo
  done
  echo "===== @graphiql/plugin-explorer@$EXPLORER ====="
  echo "MIT (package.json \"license\"; the package ships no LICENSE file), Copyright GraphQL Contributors"
} > "$out/LICENSES.txt"
(cd "$out" && sha256sum graphiql.min.js graphiql.min.css plugin-explorer.umd.js plugin-explorer.css \
  react.production.min.js react-dom.production.min.js > SHA256SUMS)
echo "GraphiQL assets written to $out"
