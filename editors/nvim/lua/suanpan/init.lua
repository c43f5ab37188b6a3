-- suanpan 算盘 — Neovim client for `suanpan lsp`.
--
--   require('suanpan').setup {
--     cmd = nil,                    -- default { <server_path or 'suanpan'>, 'lsp' }
--     server_path = nil,            -- path of the suanpan binary (else `suanpan` on PATH)
--     filetypes = { 'text', 'markdown' },
--     files = nil,                  -- globs limiting the files checked, e.g. { '*决算*', '*预算*' }
--     settings = {                  -- sent through workspace/configuration, section `suanpan`
--       rules = { ['number-format'] = false },      -- off (true = on)
--       severity = { ['unit-scale'] = 'warning' },  -- error | warning | info | hint
--       debounceMs = 0, inlayHints = true,
--       assumedUnit = 'none',                       -- unit of tables that state none: 元|千元|万元|亿元
--     },
--     on_attach = nil,              -- function(client, bufnr)
--   }
--
-- Neovim >= 0.11 uses vim.lsp.config/vim.lsp.enable; 0.8–0.10 vim.lsp.start; 0.7 start_client.

local M = {}

M.name = 'suanpan'

local defaults = {
  cmd = nil,
  server_path = nil,
  filetypes = { 'text', 'markdown' },
  files = nil,
  settings = {},
  on_attach = nil,
  root_markers = { '.git' },
}

M.config = vim.deepcopy(defaults)

local function has(v)
  return vim.fn.has(v) == 1
end

local function notify(msg, level)
  vim.schedule(function()
    vim.notify('suanpan: ' .. msg, level or vim.log.levels.INFO)
  end)
end

--- The server binary: `server_path`, else `suanpan` on PATH. Returns path or nil, problem.
function M.server_binary()
  local p = M.config.server_path
  if p and p ~= '' then
    p = vim.fn.expand(p)
    if vim.fn.executable(p) == 1 then
      return p
    end
    return nil, 'server_path is not an executable file: ' .. p
  end
  local found = vim.fn.exepath('suanpan')
  if found ~= '' then
    return found
  end
  return nil, '`suanpan` was not found on PATH'
end

function M.cmd()
  if M.config.cmd then
    return M.config.cmd
  end
  local bin = M.server_binary()
  return { bin or 'suanpan', 'lsp' }
end

-- Glob (`*`, `**`, `?`, `{a,b}`) to a Lua pattern on the full path; loose but dependency-free,
-- and the same on every Neovim version.
local function glob_to_pattern(g)
  local out = {}
  local i = 1
  while i <= #g do
    local c = g:sub(i, i)
    if c == '*' then
      if g:sub(i + 1, i + 1) == '*' then
        table.insert(out, '.*')
        i = i + 1
        if g:sub(i + 1, i + 1) == '/' then
          i = i + 1
          table.insert(out, '/?')
        end
      else
        table.insert(out, '[^/]*')
      end
    elseif c == '?' then
      table.insert(out, '[^/]')
    elseif c:match('[%^%$%(%)%%%.%[%]%+%-]') then
      table.insert(out, '%' .. c)
    else
      table.insert(out, c)
    end
    i = i + 1
  end
  return table.concat(out) .. '$'
end

--- Whether a buffer is one suanpan should check.
function M.wants(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return false -- hover popups, help, terminals, …
  end
  local ft = vim.bo[bufnr].filetype
  if not vim.tbl_contains(M.config.filetypes, ft) then
    return false
  end
  local globs = M.config.files
  if not globs or #globs == 0 then
    return true
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return false
  end
  name = name:gsub('\\', '/')
  for _, g in ipairs(globs) do
    local pat = glob_to_pattern(g)
    if not g:find('/') then
      pat = '/' .. pat -- a bare `*决算*` matches the file name in any folder
    end
    if name:match(pat) or name:match('^' .. pat:gsub('^/', '')) then
      return true
    end
  end
  return false
end

local function root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  if vim.fs and vim.fs.find then
    local found = vim.fs.find(M.config.root_markers, { path = dir, upward = true })[1]
    if found then
      return vim.fn.fnamemodify(found, ':h')
    end
  end
  return dir
end

-- An empty Lua table would be sent as a JSON array; the server wants an object.
local function as_object(t)
  if t == nil or next(t) == nil then
    return vim.empty_dict()
  end
  return t
end

local function settings_table()
  return { suanpan = as_object(M.config.settings) }
end

-- Client methods: `client:notify()` on 0.11+, `client.notify()` before.
local function call(c, method, ...)
  if has('nvim-0.11') then
    return c[method](c, ...)
  end
  return c[method](...)
end

-- Neovim 0.10/0.11 pull diagnostics but have no handler for workspace/diagnostic/refresh, which
-- the server sends after a settings change: pull again for every attached buffer.
local function diagnostic_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for bufnr in pairs(client.attached_buffers or {}) do
      local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
      call(client, 'request', 'textDocument/diagnostic', params, function(err, result, rctx)
        rctx.bufnr = rctx.bufnr or bufnr
        rctx.params = rctx.params or params
        vim.lsp.diagnostic.on_diagnostic(err, result, rctx)
      end, bufnr)
    end
  end
  return vim.NIL
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  if has('nvim-0.10') and vim.lsp.diagnostic.on_diagnostic then
    caps = vim.tbl_deep_extend('force', caps, { workspace = { diagnostics = { refreshSupport = true } } })
  end
  return caps
end

local function handlers()
  if has('nvim-0.10') and vim.lsp.diagnostic.on_diagnostic then
    return { ['workspace/diagnostic/refresh'] = diagnostic_refresh }
  end
  return {}
end

local function on_attach(client, bufnr)
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function client_config(bufnr)
  return {
    name = M.name,
    cmd = M.cmd(),
    root_dir = bufnr and root_dir(bufnr) or nil,
    settings = settings_table(),
    init_options = as_object(M.config.settings),
    on_attach = on_attach,
    capabilities = capabilities(),
    handlers = handlers(),
  }
end

local function check_binary()
  if M.config.cmd then
    return true
  end
  local bin, problem = M.server_binary()
  if not bin then
    notify(
      problem
        .. '. Install it with `cargo install --path .` in a clone of the suanpan repository, '
        .. 'or pass server_path to setup(). 未找到 suanpan：请在仓库中运行 cargo install --path .',
      vim.log.levels.ERROR
    )
    return false
  end
  return true
end

-- Neovim 0.7: no vim.lsp.start; one client per root, attached by hand.
local legacy_clients = {}
local function start_legacy(bufnr)
  local cfg = client_config(bufnr)
  local key = cfg.root_dir or ''
  local id = legacy_clients[key]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(cfg)
    legacy_clients[key] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
end

local augroup

--- Register the server. Safe to call again with new options.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  M.define_commands()
  if not check_binary() then
    return
  end
  if vim.lsp.config and vim.lsp.enable and has('nvim-0.11') then
    vim.lsp.config(M.name, {
      cmd = M.cmd(),
      filetypes = M.config.filetypes,
      root_dir = function(bufnr, on_dir)
        if M.wants(bufnr) then
          on_dir(root_dir(bufnr))
        end
      end,
      settings = settings_table(),
      init_options = as_object(M.config.settings),
      on_attach = on_attach,
      capabilities = capabilities(),
      handlers = handlers(),
    })
    vim.lsp.enable(M.name)
    return
  end
  augroup = vim.api.nvim_create_augroup('suanpan', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = augroup,
    pattern = M.config.filetypes,
    callback = function(args)
      local bufnr = args.buf
      if not M.wants(bufnr) then
        return
      end
      if vim.lsp.start then
        vim.lsp.start(client_config(bufnr), { bufnr = bufnr })
      else
        start_legacy(bufnr)
      end
    end,
  })
  -- Buffers already open when setup() runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and M.wants(bufnr) then
      vim.api.nvim_exec_autocmds('FileType', { group = augroup, buffer = bufnr, modeline = false })
    end
  end
end

--- The running suanpan clients (optionally only those attached to bufnr).
function M.clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
  end
  local out = {}
  local all = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  for _, c in pairs(all) do
    if c.name == M.name then
      table.insert(out, c)
    end
  end
  return out
end

--- Change settings at run time: merged into the current ones and pushed to the server
--- (workspace/didChangeConfiguration; the server then pulls workspace/configuration).
function M.set_settings(settings)
  M.config.settings = vim.tbl_deep_extend('force', M.config.settings or {}, settings or {})
  local s = settings_table()
  if vim.lsp.config and has('nvim-0.11') then
    vim.lsp.config(M.name, { settings = s })
  end
  for _, c in ipairs(M.clients()) do
    c.config.settings = s
    if c.settings then
      c.settings = s
    end
    call(c, 'notify', 'workspace/didChangeConfiguration', { settings = s })
  end
end

--- Apply every certain fix (`source.fixAll.suanpan`) in the current buffer.
function M.fix_all()
  local only = { 'source.fixAll.suanpan' }
  if vim.lsp.buf.code_action and has('nvim-0.8') then
    vim.lsp.buf.code_action({
      context = { only = only, diagnostics = {} },
      apply = true,
      filter = function(a)
        return a.kind == 'source.fixAll.suanpan'
      end,
    })
  else
    local params = vim.lsp.util.make_range_params()
    params.range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(0), character = 0 } }
    params.context = { only = only, diagnostics = {} }
    vim.lsp.buf_request(0, 'textDocument/codeAction', params, function(err, result, ctx)
      if err or not result then
        return
      end
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      for _, a in ipairs(result) do
        if a.edit then
          vim.lsp.util.apply_workspace_edit(a.edit, client and client.offset_encoding or 'utf-16')
        end
      end
    end)
  end
end

--- Show `suanpan explain RULE` (or the rule list) in a scratch buffer.
function M.explain(rule)
  local bin = (M.config.cmd and M.config.cmd[1]) or M.server_binary()
  if not bin then
    notify('`suanpan` not found; install it with `cargo install --path .`', vim.log.levels.ERROR)
    return
  end
  local args = { bin, 'explain' }
  if rule and rule ~= '' then
    table.insert(args, rule)
  end
  local text = vim.fn.system(args)
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(text, '\n'))
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].modifiable = false
end

function M.restart()
  for _, c in ipairs(M.clients()) do
    call(c, 'stop')
  end
  legacy_clients = {}
  vim.defer_fn(function()
    M.setup(M.config)
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and M.wants(bufnr) then
        vim.api.nvim_exec_autocmds('FileType', { buffer = bufnr, modeline = false })
      end
    end
  end, 200)
end

local rule_ids = {
  'sum-mismatch', 'share-mismatch', 'change-mismatch', 'rate-mismatch', 'direction-word',
  'sign-after-direction', 'unit-scale', 'value-mismatch', 'table-formula', 'number-format',
}
M.rule_ids = rule_ids

function M.define_commands()
  vim.api.nvim_create_user_command('SuanpanFixAll', function()
    M.fix_all()
  end, { desc = 'suanpan: fix all certain slips' })
  vim.api.nvim_create_user_command('SuanpanExplain', function(a)
    M.explain(a.args)
  end, {
    nargs = '?',
    desc = 'suanpan: explain a rule',
    complete = function()
      return rule_ids
    end,
  })
  vim.api.nvim_create_user_command('SuanpanRestart', function()
    M.restart()
  end, { desc = 'suanpan: restart the server' })
  vim.api.nvim_create_user_command('SuanpanRule', function(a)
    -- :SuanpanRule sum-mismatch off | on | error | warning | information | hint
    local id, what = a.fargs[1], a.fargs[2]
    if what == 'off' or what == 'on' then
      M.set_settings({ rules = { [id] = what == 'on' } })
    else
      M.set_settings({ rules = { [id] = true }, severity = { [id] = what } })
    end
  end, {
    nargs = '+',
    desc = 'suanpan: turn a rule on/off or set its severity',
    complete = function(_, line)
      if #vim.split(line, '%s+') <= 2 then
        return rule_ids
      end
      return { 'on', 'off', 'error', 'warning', 'information', 'hint' }
    end,
  })
end

--- Number of suanpan findings in a buffer (for a statusline).
function M.count(bufnr)
  local n = 0
  for _, d in ipairs(vim.diagnostic.get(bufnr or 0)) do
    if d.source == 'suanpan' or (d.namespace and vim.diagnostic.get_namespace(d.namespace).name:find('suanpan')) then
      n = n + 1
    end
  end
  return n
end

return M
