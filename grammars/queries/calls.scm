; Every call expression whose callee is a plain identifier, with its argument list.
; The engine filters the callee names against its table of GUP/PUP entry points.
(call_expression
  function: (identifier) @callee
  arguments: (argument_list) @args) @call
