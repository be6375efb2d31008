-- Run by test/nvim/nvim.e2e.ts inside `nvim --headless`: waits for pinsight's diagnostics on the
-- current buffer, asks for the hover on the pinning call, applies the preferred quick fix, and
-- writes what it saw as JSON to $PINSIGHT_NVIM_OUT before quitting.
local out = {}
local buf = vim.api.nvim_get_current_buf()

out.diagnosed = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
out.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  table.insert(out.diagnostics, {
    lnum = d.lnum, col = d.col, message = d.message, source = d.source, severity = d.severity,
    code = lsp.code or d.code, href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
  })
end

local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local function find(needle)
  for i, l in ipairs(lines) do
    local c = l:find(needle, 1, true)
    if c then return i - 1, c - 1 end
  end
end

local call_line, call_col = find('pin_user_pages_fast(')
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = call_line, character = call_col + 3 },
}, 20000)
out.hover = ''
for _, r in pairs(hover or {}) do
  if r.result and r.result.contents then out.hover = r.result.contents.value or '' end
end

local force = vim.diagnostic.get(buf)[1]
local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = force.lnum, character = force.col }, ['end'] = { line = force.end_lnum, character = force.end_col } },
  context = { diagnostics = {} },
}, 20000)
out.actions = {}
for _, r in pairs(actions or {}) do
  for _, a in ipairs(r.result or {}) do
    table.insert(out.actions, { title = a.title, preferred = a.isPreferred == true })
    if a.isPreferred then vim.lsp.util.apply_workspace_edit(a.edit, 'utf-16') end
  end
end
out.fixed = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')

local f = assert(io.open(vim.env.PINSIGHT_NVIM_OUT, 'w'))
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qa!')
