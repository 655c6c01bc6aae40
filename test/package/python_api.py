"""What a Python user of the generated package can call, read from jsii-pacmak's source with `ast` (the module
cannot be imported here: its `jsii` runtime is not installable on this machine).

Usage: python3 python_api.py <package dir> [<translated example>...]
Prints one JSON object: the public classes of <package dir>/__init__.py, and for each translated example (a file
of Python source) the names it uses that nothing binds.
"""
import ast
import builtins
import json
import re
import sys


def decorator_names(node):
    names = []
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        names.append(ast.unparse(target))
    return names


def jsii_name(node):
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and ast.unparse(d.func) == "jsii.member":
            for kw in d.keywords:
                if kw.arg == "jsii_name":
                    return kw.value.value
    return None


def parameters(fn):
    args = fn.args
    positional = [a.arg for a in args.posonlyargs + args.args if a.arg not in ("self", "cls")]
    return {
        "positional": positional,
        "keyword_only": [a.arg for a in args.kwonlyargs],
        "annotations": {a.arg: ast.unparse(a.annotation) for a in args.posonlyargs + args.args + args.kwonlyargs if a.annotation is not None},
    }


def describe_class(node):
    kind = None
    jsii_type = None
    for d in node.decorator_list:
        if isinstance(d, ast.Call):
            name = ast.unparse(d.func)
            if name in ("jsii.data_type", "jsii.interface", "jsii.enum"):
                kind = name.split(".")[1]
            for kw in d.keywords:
                if kw.arg == "jsii_type":
                    jsii_type = kw.value.value
    for kw in node.keywords:
        if kw.arg == "jsii_type":
            jsii_type = kw.value.value
            kind = kind or "class"
    members = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            decorators = decorator_names(item)
            if item.name == "__init__":
                members["__init__"] = {"kind": "initializer", **parameters(item)}
            elif item.name.startswith("_"):
                continue
            elif "jsii.python.classproperty" in decorators:
                members[item.name] = {"kind": "classproperty", "jsii": jsii_name(item)}
            elif "builtins.property" in decorators:
                members[item.name] = {"kind": "property", "jsii": jsii_name(item), "returns": ast.unparse(item.returns) if item.returns else None}
            elif "builtins.classmethod" in decorators or "classmethod" in decorators:
                members[item.name] = {"kind": "static", "jsii": jsii_name(item), **parameters(item)}
            else:
                members[item.name] = {"kind": "method", "jsii": jsii_name(item), **parameters(item)}
        elif isinstance(item, ast.Assign) and kind == "enum":
            for target in item.targets:
                if isinstance(target, ast.Name):
                    members[target.id] = {"kind": "enum member"}
    return {"kind": kind, "jsii_type": jsii_type, "bases": [ast.unparse(b) for b in node.bases], "members": members}


def unbound_names(source):
    """Names an example loads that no import, assignment, definition or `# name: Type` declaration binds."""
    tree = ast.parse(source)
    bound = set(dir(builtins)) | {"self"}
    bound |= set(re.findall(r"^# (\w+): ", source, re.M))  # rosetta writes `declare const x: T` as `# x: T`
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return sorted(used - bound)


def main():
    package = sys.argv[1]
    tree = ast.parse(open(f"{package}/__init__.py", encoding="utf8").read())
    classes = {node.name: describe_class(node) for node in tree.body if isinstance(node, ast.ClassDef) and not node.name.startswith("_")}
    all_names = next(
        (ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)),
        [],
    )
    examples = {path: unbound_names(open(path, encoding="utf8").read()) for path in sys.argv[2:]}
    print(json.dumps({"classes": classes, "all": all_names, "examples": examples}))


main()
