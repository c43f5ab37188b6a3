-- Minimal init for the end-to-end tests: the plugin from editors/nvim, the server from $SUANPAN_BIN.
local root = os.getenv('SUANPAN_REPO')
vim.opt.runtimepath:prepend(root .. '/editors/nvim')
vim.opt.runtimepath:append(root .. '/tests/editors/nvim')
vim.opt.swapfile = false
vim.opt.shadafile = 'NONE'
local opts = {
  server_path = os.getenv('SUANPAN_BIN'),
  settings = {},
}
local files = os.getenv('SUANPAN_FILES')
if files and files ~= '' then
  opts.files = vim.split(files, ',')
end
require('suanpan').setup(opts)
