-- End-to-end cases in a real Neovim: each runs in its own `nvim --headless` process,
--   nvim --headless -u init.lua -c "lua require('suanpan_test').run('CASE')" FILE
-- and ends with exit code 0 (pass) or 1 (fail, reason on stderr). Works on 0.7 to 0.11.

local T = {}
local suanpan = require('suanpan')

local function log(msg)
  io.stderr:write(msg .. '\n')
end

local function fail(msg)
  error(msg, 0)
end

local function expect(cond, msg)
  if not cond then
    fail(msg)
  end
end

local function wait(ms, cond, what)
  local okk = vim.wait(ms, cond, 20)
  if not okk then
    fail('timed out after ' .. ms .. ' ms waiting for ' .. what)
  end
end

local function client(bufnr)
  return suanpan.clients(bufnr or 0)[1]
end

local function attached()
  wait(10000, function()
    return client() ~= nil and client().initialized ~= false
  end, 'the suanpan server to attach')
  return client()
end

local function diags(bufnr)
  return vim.diagnostic.get(bufnr or 0)
end

local function describe(ds)
  local out = {}
  for _, d in ipairs(ds) do
    table.insert(out, string.format('%s@%d:%d', tostring(d.code), d.lnum + 1, d.col))
  end
  table.sort(out)
  return table.concat(out, ' ')
end

local function has_diag(rule, lnum, bufnr)
  for _, d in ipairs(diags(bufnr)) do
    if d.code == rule and (lnum == nil or d.lnum == lnum) then
      return d
    end
  end
end

local function line_of(needle)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local s = l:find(needle, 1, true)
    if s then
      return i - 1, s - 1
    end
  end
  fail('text not found in buffer: ' .. needle)
end

local function wait_diags(what, cond)
  wait(10000, cond, what .. ' (have: ' .. describe(diags()) .. ')')
end

local function set_cursor_on(needle, delta)
  local l, c = line_of(needle)
  vim.api.nvim_win_set_cursor(0, { l + 1, c + (delta or 0) })
  return l, c
end

local function float_text()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      local b = vim.api.nvim_win_get_buf(w)
      return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n')
    end
  end
end

local function line_text(l)
  return vim.api.nvim_buf_get_lines(0, l, l + 1, false)[1]
end

-- Apply the code action of `kind` whose title matches, through the real UI entry point.
local function apply_action(kind, title_pat)
  if vim.fn.has('nvim-0.8') == 1 then
    -- Neovim fills context.diagnostics with the LSP diagnostics under the cursor.
    vim.lsp.buf.code_action({
      context = { only = { kind } },
      apply = true,
      filter = function(a)
        local kind_ok = a.kind == nil or a.kind == kind or vim.startswith(a.kind, kind .. '.')
        return kind_ok and (title_pat == nil or a.title:find(title_pat) ~= nil)
      end,
    })
  else
    -- 0.7: no `apply`/`filter`; ask and apply the first match.
    local params = vim.lsp.util.make_range_params()
    params.context = { only = { kind }, diagnostics = vim.lsp.diagnostic.get_line_diagnostics(0) }
    local done = false
    vim.lsp.buf_request(0, 'textDocument/codeAction', params, function(err, result, ctx)
      local c = vim.lsp.get_client_by_id(ctx.client_id)
      for _, a in ipairs(result or {}) do
        if a.edit and (title_pat == nil or a.title:find(title_pat)) then
          vim.lsp.util.apply_workspace_edit(a.edit, c.offset_encoding)
          break
        end
      end
      done = true
    end)
    wait(5000, function()
      return done
    end, 'the code action reply')
  end
end

-- ── cases ────────────────────────────────────────────────────────────────────────────

-- report.txt: the expected findings, by rule and line, with the rule id as `code`.
function T.diagnostics()
  attached()
  local l_sign = line_of('减少-38.60')
  local l_fmt = line_of('356，120.00')
  wait_diags('sign-after-direction and number-format', function()
    return has_diag('sign-after-direction', l_sign) and has_diag('number-format', l_fmt)
  end)
  local want = { ['sign-after-direction@' .. (l_sign + 1)] = true, ['number-format@' .. (l_fmt + 1)] = true }
  for _, d in ipairs(diags()) do
    local key = tostring(d.code) .. '@' .. (d.lnum + 1)
    expect(want[key], 'unexpected diagnostic ' .. key .. ' (have: ' .. describe(diags()) .. ')')
  end
  local d = has_diag('sign-after-direction', l_sign)
  local _, c = line_of('减少-38.60')
  expect(d.col == c, string.format('sign-after-direction starts at byte %d, want %d', d.col, c))
  expect(d.severity == vim.diagnostic.severity.ERROR, 'sign-after-direction is not an error')
end

-- Hover on a total shows its parts.
function T.hover()
  attached()
  set_cursor_on('100.00万元', 1)
  local text
  wait(10000, function()
    if not float_text() then
      vim.lsp.buf.hover()
      vim.wait(300, function()
        return float_text() ~= nil
      end, 20)
    end
    text = float_text()
    return text ~= nil
  end, 'a hover window')
  for _, part in ipairs({ '工资福利支出', '商品和服务支出', '对个人和家庭的补助', '60.00', '|' }) do
    expect(text:find(part, 1, true), 'hover lacks "' .. part .. '":\n' .. text)
  end
  log('hover:\n' .. text)
end

-- The 减少- quick fix: the text is fixed and the diagnostic gone.
function T.quickfix()
  attached()
  local l = set_cursor_on('减少-38.60')
  wait_diags('sign-after-direction', function()
    return has_diag('sign-after-direction', l)
  end)
  apply_action('quickfix', nil)
  wait(5000, function()
    return line_text(l):find('减少38.60万元', 1, true) ~= nil
  end, 'the fix to be applied (line is: ' .. line_text(l) .. ')')
  expect(line_text(l) == '2024年度收入总计520.40万元，比上年减少38.60万元，主要原因是项目经费压减。', 'line after fix: ' .. line_text(l))
  wait_diags('sign-after-direction to go', function()
    return not has_diag('sign-after-direction', l)
  end)
end

-- An edit that breaks a sum: a new sum-mismatch appears on the total's line.
function T.edit_breaks_sum()
  attached()
  local l, c = line_of('补助10.00万元')
  wait_diags('the first diagnostics', function()
    return #diags() > 0
  end)
  expect(not has_diag('sum-mismatch'), 'sum-mismatch before the edit: ' .. describe(diags()))
  -- Type over "10.00" → "20.00", as a user would (one character).
  local col = c + #'补助'
  vim.api.nvim_buf_set_text(0, l, col, l, col + 1, { '2' })
  wait_diags('sum-mismatch after the edit', function()
    return has_diag('sum-mismatch', l)
  end)
  -- Undo it: the finding goes away again.
  vim.api.nvim_buf_set_text(0, l, col, l, col + 1, { '1' })
  wait_diags('sum-mismatch to go after undoing', function()
    return not has_diag('sum-mismatch', l)
  end)
end

-- Columns right on a line with 𠮷 (4 bytes in UTF-8, 2 units in UTF-16), in whatever encoding
-- was negotiated; SUANPAN_WANT_ENCODING says which one that must be.
function T.encoding()
  local c = attached()
  local want = os.getenv('SUANPAN_WANT_ENCODING') or 'utf-8'
  expect(c.offset_encoding == want, 'negotiated ' .. tostring(c.offset_encoding) .. ', want ' .. want)
  local l, col = line_of('减少-1,204.50')
  wait_diags('sign-after-direction', function()
    return has_diag('sign-after-direction', l)
  end)
  local d = has_diag('sign-after-direction', l)
  expect(d.col == col, string.format('diagnostic starts at byte %d, want %d (line: %s)', d.col, col, line_text(l)))
  local _, endcol = line_of('1,204.50元')
  endcol = endcol + #'1,204.50元'
  expect(d.end_col == endcol, string.format('diagnostic ends at byte %d, want %d', d.end_col, endcol))
  set_cursor_on('减少-1,204.50')
  apply_action('quickfix', nil)
  wait(5000, function()
    return line_text(l):find('减少1,204.50元', 1, true) ~= nil
  end, 'the fix (line is: ' .. line_text(l) .. ')')
  expect(line_text(l) == '𠮷山镇政府一般公共预算支出比上年减少1,204.50元，主要是压减会议费。', 'line after fix: ' .. line_text(l))
end

-- :SuanpanFixAll applies every certain fix (source.fixAll.suanpan) in one go.
function T.fix_all()
  attached()
  wait_diags('two findings', function()
    return has_diag('sign-after-direction') and has_diag('number-format')
  end)
  vim.cmd('SuanpanFixAll')
  wait(5000, function()
    local all = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    return all:find('减少38.60', 1, true) and all:find('356,120.00', 1, true)
  end, 'both fixes to be applied')
  wait_diags('no findings left', function()
    return #diags() == 0
  end)
end

-- A settings change (disable a rule) takes effect without a restart.
function T.settings()
  local c = attached()
  wait_diags('number-format', function()
    return has_diag('number-format')
  end)
  vim.cmd('SuanpanRule number-format off')
  wait_diags('number-format to go', function()
    return not has_diag('number-format')
  end)
  expect(has_diag('sign-after-direction'), 'the other rules should still fire: ' .. describe(diags()))
  expect(client() and client().id == c.id, 'the server was restarted')
  vim.cmd('SuanpanRule number-format on')
  wait_diags('number-format to come back', function()
    return has_diag('number-format')
  end)
end

-- unitless.txt: its table states no 单位, so its total is not read until the setting
-- assumedUnit says 万元; then it disagrees with the text (value-mismatch), without a restart.
function T.assumed_unit()
  local c = attached()
  local l = line_of('本年支出合计\t310.00')
  wait_diags('sign-after-direction (the analysis ran)', function()
    return has_diag('sign-after-direction')
  end)
  expect(not has_diag('value-mismatch'), 'value-mismatch with no unit assumed: ' .. describe(diags()))
  suanpan.set_settings({ assumedUnit = '万元' })
  wait_diags('value-mismatch on the table total', function()
    return has_diag('value-mismatch', l)
  end)
  expect(client() and client().id == c.id, 'the server was restarted')
  suanpan.set_settings({ assumedUnit = 'none' })
  wait_diags('value-mismatch to go', function()
    return not has_diag('value-mismatch')
  end)
  expect(has_diag('sign-after-direction'), 'the other findings should stay: ' .. describe(diags()))
end

-- `suanpan.files` globs: a file that does not match gets no server.
function T.files_filter()
  vim.wait(1500, function()
    return client() ~= nil
  end, 50)
  local name = vim.api.nvim_buf_get_name(0)
  local should = name:find('决算', 1, true) ~= nil
  expect((client() ~= nil) == should, (should and 'no server for ' or 'a server for ') .. name)
end

-- :checkhealth suanpan tells whether the binary is found and its version.
function T.health()
  vim.cmd('checkhealth suanpan')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  log(text)
  expect(text:find('suanpan binary: ', 1, true), 'no "suanpan binary:" line')
  expect(text:find('suanpan %d+%.%d+'), 'no version in :checkhealth output')
  expect(not text:find('ERROR', 1, true), 'an ERROR in :checkhealth output')
  -- The way the plugin registered the server, by version (0.8–0.10: the vim.lsp.start path).
  local how = vim.fn.has('nvim-0.11') == 1 and 'registered with vim.lsp.config / vim.lsp.enable'
    or vim.fn.has('nvim-0.8') == 1 and 'started with vim.lsp.start'
    or 'started with vim.lsp.start_client'
  expect(text:find(how, 1, true), 'no "' .. how .. '" in :checkhealth output')
end

function T.run(name)
  local f = T[name]
  local ok, err = pcall(function()
    expect(f, 'no such case: ' .. name)
    f()
  end)
  if ok then
    vim.cmd('qall!')
  else
    log('FAIL ' .. name .. ': ' .. tostring(err))
    vim.cmd('cquit 1')
  end
end

return T
