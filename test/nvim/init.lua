-- A minimal Neovim (0.7+) configuration for pinsight: start the language server once and attach
-- it to every C buffer. (Neovim 0.8+ can use vim.lsp.start instead.)
-- PINSIGHT_SERVER: path to dist/server.js of a pinsight build.
local server = vim.env.PINSIGHT_SERVER or 'dist/server.js'
local client_id

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'c',
  callback = function(args)
    client_id = client_id or vim.lsp.start_client({
      name = 'pinsight',
      cmd = { 'node', server, '--stdio' },
      root_dir = vim.fn.getcwd(),
      -- Settings as in VS Code's pinsight.*; here: no whole-tree scan.
      init_options = { pinsight = { scan = { onStartup = false } } },
      settings = { pinsight = { scan = { onStartup = false } } },
    })
    vim.lsp.buf_attach_client(args.buf, client_id)
  end,
})
