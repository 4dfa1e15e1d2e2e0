"""Split src/shopops/<app>/api.py into the package src/shopops/<app>/api/ by its
`# --- title ---` sections: a pure move (the OpenAPI document stays byte for byte the
same). Run from the repository root, then `ruff check --fix --select F401,I001` and
`ruff format` on the new package. The four packages were made with:

    python3 tools/split_api.py stock "schemas=schemas" "helpers=base" \
        "levels and the ledger=levels" "counts (LOG-1.3)=count_sheets" \
        "the monthly report (LOG-1.4)=monthly_report"
    python3 tools/split_api.py shipping "schemas=schemas" "helpers=base" \
        "couriers, reserving and pick lists=pick_lists" \
        "the pack station=pack_station" "courier delays=delays" \
        "hand-off problems and the weekly analysis=problems"
    python3 tools/split_api.py orders "schemas=schemas" "helpers=base" \
        "orders=orders" "holds and the evening queue=holds" \
        "complaints=complaints" "sales summary=sales"
    python3 tools/split_api.py purchasing "schemas=schemas" "helpers=base" \
        "settings and prices=settings_prices" "suggestions=suggestions" \
        "purchase orders=purchase_orders"

(for orders, also point `aftersales/api.py` at `shopops.orders.api.schemas`). To merge
a branch that changed one of the old api.py files: take its api.py, run the line again.
"""
import ast, re, sys, os, subprocess

app, mapping = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
root = f"src/shopops/{app}"
src = open(f"{root}/api.py").read()
lines = src.splitlines(keepends=True)
tree = ast.parse(src)

markers = [(i, m.group(1).strip()) for i, l in enumerate(lines)
           if (m := re.match(r"^# --- (.+?) -+\s*$", l))]
first = markers[0][0]
doc_node = tree.body[0]
assert isinstance(doc_node, ast.Expr) and isinstance(doc_node.value, ast.Constant)
docstring = "".join(lines[doc_node.lineno - 1: doc_node.end_lineno])
imports, router_stmt = [], None
for node in tree.body[1:]:
    if node.lineno - 1 >= first:
        break
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        imports.append("".join(lines[node.lineno - 1: node.end_lineno]))
    elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "router":
        router_stmt = node
assert router_stmt is not None
import_block = "".join(imports)
router_text = "".join(lines[router_stmt.lineno - 1: router_stmt.end_lineno])
# everything after the router up to the first section: module-level types/constants
tail = "".join(lines[router_stmt.end_lineno: first]).strip("\n")
# sanity: nothing between the imports and the router but blank lines
last_import_end = max(n.end_lineno for n in tree.body[1:] if isinstance(n, (ast.Import, ast.ImportFrom)))
between = "".join(lines[last_import_end: router_stmt.lineno - 1]).strip()
assert not between, between

sections = []
for k, (i, title) in enumerate(markers):
    end = markers[k + 1][0] if k + 1 < len(markers) else len(lines)
    sections.append((title, "".join(lines[i + 1: end]).strip("\n")))

modules = {}  # name -> (doc, body)
appname = app
for title, body in sections:
    name = mapping[title]
    if name == "schemas":
        modules["schemas"] = (f'"""The schemas of the {appname} API: what its endpoints take and answer."""\n',
                              (tail + "\n\n\n" + body) if tail else body)
    elif name == "base":
        modules["base"] = (f'"""The {appname} API\'s router and the helpers its endpoint modules share."""\n',
                           router_text + "\n\n" + body)
    else:
        modules[name] = (f'"""The {appname} API: {title}."""\n', body)
if "base" not in modules:
    modules["base"] = (f'"""The {appname} API\'s router."""\n', router_text)

def defined(body):
    t = ast.parse(body)
    out = set()
    for n in t.body:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.add(n.name)
        elif isinstance(n, ast.Assign):
            for tg in n.targets:
                if isinstance(tg, ast.Name): out.add(tg.id)
        elif isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name):
            out.add(n.target.id)
    return out

def used(body):
    return {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}

defs = {m: defined(b) for m, (d, b) in modules.items()}
order = [mapping[t] for t, _ in sections if mapping[t] not in ("schemas", "base")]
os.makedirs(f"{root}/api", exist_ok=True)
pkg = f"shopops.{app}.api"
for m, (doc, body) in modules.items():
    need = used(body) - defs[m]
    extra = []
    for other, names in defs.items():
        if other == m: continue
        common = sorted(need & names)
        if common:
            extra.append(f"from {pkg}.{other} import {', '.join(common)}\n")
    text = doc + "\n" + import_block + "".join(extra) + "\n\n" + body + "\n"
    open(f"{root}/api/{m}.py", "w").write(text)

init = (docstring.rstrip("\n")[:-3].rstrip("\n") + "\n\nA package: `schemas`, `base` (the router and shared helpers) and one module per\ngroup of endpoints. They are imported below in the order they register on the router,\nwhich is the order of the paths in the OpenAPI document.\n\"\"\"\n\n"
    + "# ruff: noqa: I001\n"
    + f"from {pkg}.base import router\n"
    + "".join(f"from {pkg} import {m}  # noqa: F401\n" for m in order)
    + "\n__all__ = [\"router\"]\n")
open(f"{root}/api/__init__.py", "w").write(init)
os.remove(f"{root}/api.py")
print("modules:", list(modules), "order:", order)
