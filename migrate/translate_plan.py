"""Placement analysis of one Relay function body, before any Relax is emitted.

A `Plan` turns a Relay function body into a graph of nodes to emit and decides, for each node,
the scope it is emitted in. Scopes form a tree: the function body is the root and every `If`
opens two child scopes (its branches). A node goes to the lowest common ancestor of the scopes
that use it, so work that only one branch needs stays inside that branch, and work both need
(or work after the `If`) is emitted before it.

`Let` nodes are transparent: a let-bound variable stands for its value (Relay ops are pure), and
the value takes the variable's name. A let-bound function (``let %f = fn (...) {...}``) or a function
literal in call position is not a node: each call to it is, and a call depends on its arguments and
on every variable the function captures. Local functions get their own `Plan`.

Dataflow analysis (for emitting dataflow blocks directly, see `translate_emit`): `straight_line` says
whether a function, with the local functions it inlines, is free of control flow (one dataflow block
holds its whole body), and `Plan.result_nodes` which nodes make up the function's result: their
bindings are the block's outputs (non-dataflow Vars, ``emit_output``); every other binding is used
only inside the block and becomes a DataflowVar. This is what ``relax.transform.ConvertToDataflow``
decides for such a function, found here in one linear pass over the plan instead of over the IR.

Everything here is iterative: a 100k-deep chain of calls or lets never recurses in Python.
"""

from __future__ import annotations

from . import relay_ir as ir

# Node kinds in a plan.
OP_CALL, GLOBAL_CALL, LOCAL_CALL, VAR_CALL, TUPLE, GET_ITEM, IF = range(7)


def free_vars(func: ir.Function) -> list:
    """Variables `func` refers to (inside nested functions too) that it does not bind, in first-use order."""
    bound: set = set()
    refs: dict = {}
    for node in ir.post_order(func):
        if isinstance(node, ir.Function):
            bound.update(id(p) for p in node.params)
        elif isinstance(node, ir.Let):
            bound.add(id(node.var))
        elif isinstance(node, ir.Match):
            for clause in node.clauses:
                bound.update(id(v) for v in ir._pattern_vars(clause.lhs))
        elif isinstance(node, ir.Var):
            refs.setdefault(id(node), node)
    return [v for k, v in refs.items() if k not in bound]


def straight_line(plan: "Plan", plan_for, is_recursive) -> bool:
    """True when `plan`, with every local function it inlines (transitively), has no control flow: no
    ``If`` and no recursive local function (lifted to a global function). Its whole body then fits one
    dataflow block. `plan_for(func)` gives a local function's plan; `is_recursive(func)` says if it
    calls itself. A call of a local function bound in an enclosing function (`VAR_CALL`) is followed
    through the enclosing plans' let-bound functions (visited first: scoping is lexical)."""
    stack, seen, bound_functions = [plan], {id(plan)}, {}
    while stack:
        p = stack.pop()
        for var_id, var in p.let_vars.items():
            target = p.resolve(var)
            if isinstance(target, ir.Function):
                bound_functions[var_id] = target
        for key, kind in p.kind.items():
            if kind == IF:
                return False
            if kind == LOCAL_CALL:
                func = p.callee[key]
            elif kind == VAR_CALL:
                func = bound_functions.get(id(p.callee[key]))
                if func is None:
                    return False
            else:
                continue
            if is_recursive(func):
                return False
            callee = plan_for(func)
            if id(callee) not in seen:
                seen.add(id(callee))
                stack.append(callee)
    return True


class Unsupported(Exception):
    """Raised inside planning for a construct that Relax cannot express (collected by the caller)."""

    def __init__(self, name: str, node, reason: str, action: str = ""):
        super().__init__(name)
        self.name, self.node, self.reason, self.action = name, node, reason, action


class Plan:
    """The emission plan of one Relay function (global, or local and inlined/lifted)."""

    def __init__(self, func: ir.Function, global_name: str, on_unsupported, on_local_function, inline_global=None):
        self.func = func
        self.global_name = global_name
        self.params = {id(p) for p in func.params}
        self.alias: dict = {}  # id(let var) -> let value (unresolved)
        self.let_vars: dict = {}  # id(let var) -> the var
        self.names: dict = {}  # id(node) -> name of the let variable bound to it
        self.kind: dict = {}  # id(node) -> node kind
        self.callee: dict = {}  # id(call) -> ir.Function (LOCAL_CALL) or ir.Var (VAR_CALL)
        self.deps: dict = {}  # id(node) -> list of resolved dependency nodes
        self.order: list = []  # nodes in dependency order
        self.scope_parent: list = [-1]  # scope id -> parent scope id (0 is the body)
        self.scope_depth: list = [0]
        self.if_scopes: dict = {}  # id(If) -> (true scope, false scope)
        self.scope_of: dict = {}
        self.scope_nodes: dict = {}  # scope id -> nodes in dependency order
        self._resolved: dict = {}
        self._on_unsupported = on_unsupported
        self._on_local_function = on_local_function
        self._inline_global = inline_global or (lambda name: None)
        self.global_callees: set = set()  # ids of LOCAL_CALL nodes whose callee is an inlined global function
        self.failed = False
        self._result_nodes: dict = {}  # path -> result_nodes(path)
        self.root = self.resolve(func.body)
        self._build_graph()
        if not self.failed:
            self._place()

    # ------------------------------------------------------------------ resolution

    def resolve(self, expr):
        """The expression `expr` stands for: through lets (to their body) and let-bound variables."""
        if not isinstance(expr, (ir.Let, ir.Var)):
            return expr  # stands for itself (not cached: a graph-form program has one such node per op)
        start = expr
        cached = self._resolved.get(id(start))
        if cached is not None:
            return cached
        seen = []
        while True:
            seen.append(expr)
            if isinstance(expr, ir.Let):
                self.alias[id(expr.var)] = expr.value
                self.let_vars[id(expr.var)] = expr.var
                value = expr.value
                if not isinstance(value, (ir.Var, ir.Let, ir.Function)):
                    self.names.setdefault(id(value), expr.var.name)
                expr = expr.body
            elif isinstance(expr, ir.Var) and id(expr) in self.alias:
                expr = self.alias[id(expr)]
            else:
                break
        for e in seen:
            self._resolved[id(e)] = expr
        return expr

    def result_nodes(self, plan_for, path: tuple = ()) -> tuple:
        """Which nodes' bindings make up this function's result (or, with `path`, the part of it that
        the tuple indices in `path` select): the dataflow block's outputs.

        Returns (ids of nodes bound as outputs, {id(call of an inlined local function): set of paths}):
        the callee of such a call is emitted in a frame of its own, where its `result_nodes` for those
        paths are the outputs. Tuples and items of tuples are not bindings: a tuple node's value is a
        Relax tuple of its fields' values, and an item of a value that is a Relax tuple is that field
        (`value_is_tuple`); an item of anything else is bound. `plan_for(func)` gives a local function's
        plan."""
        key = path
        cached = self._result_nodes.get(key)
        if cached is not None:
            return cached
        nodes, calls, stack, seen = set(), {}, [(self.root, path)], set()
        while stack:
            node, path = stack.pop()
            kind = self.kind.get(id(node))
            if kind is None or (id(node), path) in seen:
                continue  # a leaf (a parameter, a constant...): no binding; or seen through another use
            seen.add((id(node), path))
            if kind == TUPLE:
                if path:
                    stack.append((self.resolve(node.fields[path[0]]), path[1:]))
                else:
                    stack.extend((self.resolve(f), ()) for f in node.fields)
            elif kind == GET_ITEM and self.value_is_tuple(node.tuple_value, plan_for):
                stack.append((self.resolve(node.tuple_value), (node.index,) + path))
            elif kind in (LOCAL_CALL, VAR_CALL):
                calls.setdefault(id(node), set()).add(path)
            else:
                nodes.add(id(node))
        self._result_nodes[key] = (frozenset(nodes), calls)
        return self._result_nodes[key]

    def value_is_tuple(self, expr, plan_for) -> bool:
        """True when the value emitted for `expr` is a Relax tuple expression (not a var of tuple type):
        a tuple node, an item of one that is a tuple, an inlined call whose callee returns one."""
        plan, node, path = self, self.resolve(expr), ()
        while True:
            kind = plan.kind.get(id(node))
            if kind == TUPLE:
                if not path:
                    return True
                node, path = plan.resolve(node.fields[path[0]]), path[1:]
            elif kind == GET_ITEM:
                node, path = plan.resolve(node.tuple_value), (node.index,) + path
            elif kind == LOCAL_CALL:
                plan = plan_for(plan.callee[id(node)])
                node = plan.root
            else:  # a call's result (a translator may return a tuple expression: then the check falls back)
                return False

    def is_local(self, var: ir.Var) -> bool:
        """True for this function's parameters and let variables (not for variables it captures)."""
        return id(var) in self.params or id(var) in self.alias

    # ------------------------------------------------------------------ graph

    def _classify(self, node) -> list:
        """Set the kind of `node` and return its (resolved) dependencies."""
        if isinstance(node, ir.Call):
            op = node.op
            args = [self.resolve(a) for a in node.args]
            if isinstance(op, ir.Op):
                self.kind[id(node)] = OP_CALL
                return args
            if isinstance(op, ir.GlobalVar):
                inlined = self._inline_global(op.name)
                if inlined is not None:  # a fused or BYOC global function: inlined like a local one
                    self.kind[id(node)] = LOCAL_CALL
                    self.callee[id(node)] = inlined
                    self.global_callees.add(id(node))
                    self._on_local_function(inlined, self)
                    return args
                self.kind[id(node)] = GLOBAL_CALL
                return args
            target = self.resolve(op)
            if isinstance(target, ir.Function):
                self.kind[id(node)] = LOCAL_CALL
                self.callee[id(node)] = target
                self._on_local_function(target, self)
                return args + self.captured_nodes(target)
            if isinstance(target, ir.Var):
                if id(target) in self.params:
                    raise Unsupported(
                        "call of a function-typed parameter", node,
                        f"%{target.name} is a parameter holding a function (higher-order code)",
                        "Relax functions here take tensors and tuples; inline the function before saving",
                    )
                self.kind[id(node)] = VAR_CALL  # a local function bound in an enclosing function
                self.callee[id(node)] = target
                return args
            if isinstance(target, ir.Constructor):
                raise Unsupported(
                    f"ADT constructor {target.name}", node, "Relax has no algebraic data types",
                    "rewrite the model without ADTs (lists/options) before saving it",
                )
            raise Unsupported("call of a computed function", node, "the callee is computed at run time",
                              "call a global or local function directly")
        if isinstance(node, ir.Tuple):
            self.kind[id(node)] = TUPLE
            return [self.resolve(f) for f in node.fields]
        if isinstance(node, ir.TupleGetItem):
            self.kind[id(node)] = GET_ITEM
            return [self.resolve(node.tuple_value)]
        if isinstance(node, ir.If):
            self.kind[id(node)] = IF
            return [self.resolve(node.cond), self.resolve(node.true_branch), self.resolve(node.false_branch)]
        if isinstance(node, ir.Match):
            raise Unsupported("match", node, "Relax has no algebraic data types or pattern matching",
                              "rewrite the model without ADTs before saving it")
        if isinstance(node, (ir.RefCreate, ir.RefRead, ir.RefWrite)):
            name = {ir.RefCreate: "ref", ir.RefRead: "ref_read", ir.RefWrite: "ref_write"}[type(node)]
            raise Unsupported(name, node, "Relax has no mutable references",
                              "rewrite the model without references before saving it")
        if isinstance(node, ir.Function):
            raise Unsupported(
                "function value", node, "a local function is used as a value (stored, passed or returned), "
                "not only called", "call local functions directly; Relax closures are not produced",
            )
        return []  # leaves: Var, Constant, GlobalVar, Op, Constructor

    def captured_nodes(self, func: ir.Function) -> list:
        """Nodes of this plan that a call of local function `func` needs (what it captures, transitively)."""
        out, seen, stack = [], {id(func)}, [func]
        while stack:
            f = stack.pop()
            for var in free_vars(f):
                if not self.is_local(var):
                    continue
                target = self.resolve(var)
                if isinstance(target, ir.Function):
                    if id(target) not in seen:
                        seen.add(id(target))
                        stack.append(target)
                elif not (isinstance(target, ir.Var) and id(target) in self.params):
                    out.append(target)
        return out

    def _build_graph(self) -> None:
        visited: set = set()
        stack = [(self.root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                self.order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            try:
                deps = self._classify(node)
            except Unsupported as err:
                self._on_unsupported(err, self)
                self.failed = True
                deps = []
                self.kind.pop(id(node), None)
            if id(node) not in self.kind:
                continue  # a leaf
            self.deps[id(node)] = deps
            stack.append((node, True))
            for d in reversed(deps):
                if id(d) not in visited:
                    stack.append((d, False))

    # ------------------------------------------------------------------ placement

    def _new_scope(self, parent: int) -> int:
        self.scope_parent.append(parent)
        self.scope_depth.append(self.scope_depth[parent] + 1)
        return len(self.scope_parent) - 1

    def _lca(self, a: int, b: int) -> int:
        while self.scope_depth[a] > self.scope_depth[b]:
            a = self.scope_parent[a]
        while self.scope_depth[b] > self.scope_depth[a]:
            b = self.scope_parent[b]
        while a != b:
            a, b = self.scope_parent[a], self.scope_parent[b]
        return a

    def _place(self) -> None:
        if IF not in self.kind.values():  # one scope: everything in the body, in dependency order
            self.scope_of = dict.fromkeys(self.kind, 0)
            if self.order:
                self.scope_nodes[0] = list(self.order)
            return
        use: dict = {id(self.root): 0}

        def used_in(node, scope):
            key = id(node)
            if key in self.kind:
                use[key] = scope if key not in use else self._lca(use[key], scope)

        for node in reversed(self.order):
            scope = use[id(node)]
            self.scope_of[id(node)] = scope
            deps = self.deps[id(node)]
            if self.kind[id(node)] == IF:
                t, f = self._new_scope(scope), self._new_scope(scope)
                self.if_scopes[id(node)] = (t, f)
                used_in(deps[0], scope)
                used_in(deps[1], t)
                used_in(deps[2], f)
            else:
                for d in deps:
                    used_in(d, scope)
        for node in self.order:
            self.scope_nodes.setdefault(self.scope_of[id(node)], []).append(node)
