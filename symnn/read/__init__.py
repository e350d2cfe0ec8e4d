"""Stage 2, reading: LaTeX + a symbol table -> a SymPy statement.

Every identifier is resolved through the symbol table and masked before the grammar
(latex2sympy2_extended) sees the text; the constructs it reads wrong are built directly. Gives a
:class:`Statement` (lhs, relation, rhs), or a :class:`ParseError` with a caret under the place.
Modules, in reading order: ``_latex`` (tokens), ``_identifiers`` (names with scripts),
``_walk`` (the cursor), ``_mask`` (the walk), ``_calculus`` (derivatives, sums),
``_constructs`` (cases, norms, calls), ``_names`` (symbol resolution), ``_grammar`` (the
grammar and its accounting), ``_notation`` (the tables), ``parse`` (statements).
"""

from __future__ import annotations

from ._grammar import warm_up
from ._identifiers import canonical_name
from ._latex import ParseError
from ._notation import (
    BUILTIN_FUNCTIONS,
    NORM_ENTRYWISE,
    NORM_OPERATOR,
    PROOF_FORMS,
    ArgMax,
    Concat,
    Count,
    Etc,
    Expectation,
    Gradient,
    IndexArgMax,
    IndexArgMin,
    IndexMax,
    IndexMin,
    Norm,
    Row,
    SetMax,
    SetSum,
    hadamard,
    sigmoid,
    softplus,
)
from .parse import (
    Statement,
    declare_element_definition,
    parse_condition,
    parse_expression,
    parse_statement,
)
from .symbols import (
    DOMAINS,
    KINDS,
    Decl,
    Domain,
    SymbolTable,
    check_pyname,
    parse_domain,
    pyname_of,
)

__all__ = [
    "BUILTIN_FUNCTIONS", "ArgMax", "Concat", "Count", "DOMAINS", "Decl", "Domain", "Etc",
    "Expectation", "Gradient",
    "IndexArgMax", "IndexArgMin", "IndexMax", "IndexMin", "KINDS", "NORM_ENTRYWISE",
    "NORM_OPERATOR", "Norm",
    "PROOF_FORMS", "ParseError", "Row", "SetMax", "SetSum", "Statement", "SymbolTable",
    "canonical_name", "check_pyname", "declare_element_definition", "hadamard",
    "parse_condition", "parse_domain",
    "parse_expression", "parse_statement", "pyname_of", "sigmoid", "softplus", "warm_up",
]
