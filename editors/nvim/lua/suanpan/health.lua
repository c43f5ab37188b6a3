-- :checkhealth suanpan
local M = {}

local h = vim.health or {}
local start = h.start or h.report_start
local ok = h.ok or h.report_ok
local warn = h.warn or h.report_warn
local error = h.error or h.report_error
local info = h.info or h.report_info

function M.check()
  local suanpan = require('suanpan')
  start('suanpan 算盘')
  local v = vim.version()
  local nv = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    ok('Neovim ' .. nv .. ': registered with vim.lsp.config / vim.lsp.enable')
  elseif vim.fn.has('nvim-0.8') == 1 then
    ok('Neovim ' .. nv .. ': started with vim.lsp.start')
  else
    warn('Neovim ' .. nv .. ' is older than 0.8: started with vim.lsp.start_client (UTF-16 positions)')
  end

  local cmd = suanpan.cmd()
  local bin = cmd[1]
  local path = vim.fn.exepath(bin)
  if path == '' then
    local _, problem = suanpan.server_binary()
    error('suanpan binary not found: ' .. (problem or bin), {
      'Install it: in a clone of the suanpan repository run `cargo install --path .`',
      "or pass server_path = '/path/to/suanpan' to require('suanpan').setup{}",
    })
  else
    local out = vim.fn.system({ path, '--version' })
    if vim.v.shell_error == 0 then
      ok('suanpan binary: ' .. path .. ' (' .. vim.trim(out) .. ')')
    else
      error('suanpan binary ' .. path .. ' does not run: ' .. vim.trim(out))
    end
  end
  info('command: ' .. table.concat(cmd, ' '))
  info('filetypes: ' .. table.concat(suanpan.config.filetypes, ', '))
  if suanpan.config.files and #suanpan.config.files > 0 then
    info('files: ' .. table.concat(suanpan.config.files, ', '))
  else
    info('files: every buffer of those filetypes')
  end
  local clients = suanpan.clients()
  if #clients > 0 then
    for _, c in ipairs(clients) do
      ok(string.format('server running (client id %d, position encoding %s)', c.id, c.offset_encoding or '?'))
    end
  else
    info('no suanpan server running yet (open a report)')
  end
end

return M
