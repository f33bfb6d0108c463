-- Headless Neovim end-to-end test for kube-lsp.
--
-- Run it through editors/neovim/test/run.sh, which prepares a temporary
-- workspace and the environment below. Written against the Neovim 0.7 LSP API
-- (vim.lsp.start_client / vim.lsp.buf_attach_client), which is what Debian
-- ships; it also runs on newer versions.
--
-- Environment:
--   KUBE_LSP_BIN         server binary (absolute path)
--   KUBE_LSP_E2E_DIR     workspace folder holding statefulset.yaml and service.yaml
--   KUBE_LSP_E2E_RESULT  file this script writes "PASS" or "FAIL: <why>" to
--   KUBE_LSP_E2E_WAIT_MS bound for each wait (default 15000)
--
-- Scenario: open service.yaml (a plain ClusterIP Service named by the
-- StatefulSet's serviceName), wait for `service-not-headless` on it and on
-- the unopened statefulset.yaml, ask for code actions on the Service's one,
-- apply the quickfix whose title contains `clusterIP: None`, check the buffer
-- text (own line, indented like `selector:`), and wait for the server to drop
-- the diagnostic from both files after the didChange that the edit triggers
-- (the buffer is never saved: the open buffer must override the disk copy).

local bin = os.getenv('KUBE_LSP_BIN')
local dir = os.getenv('KUBE_LSP_E2E_DIR')
local result_file = os.getenv('KUBE_LSP_E2E_RESULT')
local WAIT_MS = tonumber(os.getenv('KUBE_LSP_E2E_WAIT_MS') or '') or 15000
local CODE = 'service-not-headless'

local function log(msg)
  io.stderr:write('[e2e] ' .. msg .. '\n')
end

-- State collected while running, printed on failure.
local client_id = nil
local bufnr = nil
local server_exit = nil -- { code = , signal = } once the server process ended
local publishes = {} -- bufnr -> list of raw LSP publishDiagnostics params, in order
local publish_count = 0

local function code_of(d)
  -- vim.diagnostic items carry the LSP code at top level (0.7+); older
  -- builds only in user_data.lsp.code.
  if d.code ~= nil then
    return d.code
  end
  return d.user_data and d.user_data.lsp and d.user_data.lsp.code
end

local function dump_state()
  log('---- debug state ----')
  log('server binary: ' .. tostring(bin))
  log('workspace: ' .. tostring(dir))
  if server_exit then
    log(string.format('server exited: code=%s signal=%s', tostring(server_exit.code), tostring(server_exit.signal)))
  end
  local n = 0
  for b, list in pairs(publishes) do
    for i, p in ipairs(list) do
      n = n + 1
      log(string.format('publishDiagnostics #%d for %s (buf %d, version %s): %d diagnostic(s)',
        i, tostring(p.uri), b, tostring(p.version), #(p.diagnostics or {})))
      for _, d in ipairs(p.diagnostics or {}) do
        log(string.format('  %d:%d-%d:%d [%s] severity=%s source=%s: %s',
          d.range.start.line + 1, d.range.start.character + 1,
          d.range['end'].line + 1, d.range['end'].character + 1,
          tostring(d.code), tostring(d.severity), tostring(d.source),
          (tostring(d.message):gsub('\n', ' | '))))
      end
    end
  end
  if n == 0 then
    log('no textDocument/publishDiagnostics received at all')
  end
  if bufnr and vim.api.nvim_buf_is_valid(bufnr) then
    log('vim.diagnostic.get(service buffer):')
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      log(string.format('  %d:%d [%s] %s', d.lnum + 1, d.col + 1, tostring(code_of(d)),
        (tostring(d.message):gsub('\n', ' | '))))
    end
    log('service buffer text:')
    for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      log(string.format('  %3d| %s', i, l))
    end
  end
  log('Neovim LSP log (server stderr lands there): ' .. vim.lsp.get_log_path())
  log('---------------------')
end

local finished = false
local function finish(ok, reason)
  if finished then
    return
  end
  finished = true
  local verdict = ok and 'PASS' or ('FAIL: ' .. tostring(reason))
  if not ok then
    log(verdict)
    dump_state()
  end
  if result_file then
    local f = io.open(result_file, 'w')
    if f then
      f:write(verdict .. '\n')
      f:close()
    end
  end
  -- Shut the server down politely (shutdown + exit) and give it a moment.
  if client_id and not server_exit then
    vim.lsp.stop_client(client_id)
    local exited = vim.wait(3000, function()
      return server_exit ~= nil
    end, 20)
    if not exited then
      log('warning: server did not exit within 3 s of shutdown/exit')
    elseif ok and server_exit.code ~= 0 then
      log('warning: server exit code after shutdown/exit was ' .. tostring(server_exit.code))
    end
  end
  if ok then
    vim.cmd('qall!')
  else
    vim.cmd('cquit 1')
  end
end

local function fail(reason)
  finish(false, reason)
  -- finish() exits Neovim; error() stops the remaining steps in case it
  -- returns (it does not in practice).
  error('__e2e_failed__', 0)
end

local function wait_for(what, pred)
  local ok = vim.wait(WAIT_MS, function()
    return server_exit ~= nil or pred()
  end, 20)
  if server_exit and not pred() then
    fail(string.format('server exited (code %s, signal %s) while waiting for %s',
      tostring(server_exit.code), tostring(server_exit.signal), what))
  end
  if not ok then
    fail(string.format('timed out after %d ms waiting for %s', WAIT_MS, what))
  end
end

-- The raw LSP diagnostic with our code in the latest publish for a buffer.
local function latest_publish(b)
  local list = publishes[b]
  return list and list[#list] or nil
end

local function find_lsp_diag(b)
  local p = latest_publish(b)
  if not p then
    return nil
  end
  for _, d in ipairs(p.diagnostics or {}) do
    if d.code == CODE then
      return d
    end
  end
  return nil
end

local function find_vim_diag(b)
  for _, d in ipairs(vim.diagnostic.get(b)) do
    if code_of(d) == CODE then
      return d
    end
  end
  return nil
end

local function main()
  if not bin or bin == '' then
    fail('KUBE_LSP_BIN is not set')
  end
  if vim.fn.executable(bin) ~= 1 then
    fail('server binary is not executable: ' .. bin)
  end
  if not dir or vim.fn.isdirectory(dir) ~= 1 then
    fail('KUBE_LSP_E2E_DIR is not a directory: ' .. tostring(dir))
  end
  local service_path = dir .. '/service.yaml'
  if vim.fn.filereadable(service_path) ~= 1 then
    fail('fixture missing: ' .. service_path)
  end

  local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']

  client_id = vim.lsp.start_client({
    name = 'kube-lsp',
    cmd = { bin },
    root_dir = dir,
    init_options = { kubeLsp = vim.empty_dict() },
    settings = { kubeLsp = vim.empty_dict() },
    flags = { debounce_text_changes = 50 },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        if result and result.uri then
          local b = vim.uri_to_bufnr(result.uri)
          publishes[b] = publishes[b] or {}
          table.insert(publishes[b], result)
          publish_count = publish_count + 1
        end
        return default_publish(err, result, ctx, config)
      end,
    },
    on_exit = function(code, signal)
      server_exit = { code = code, signal = signal }
    end,
  })
  if not client_id then
    fail('vim.lsp.start_client returned nil (could not spawn ' .. bin .. ')')
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(service_path))
  bufnr = vim.api.nvim_get_current_buf()
  -- -u NONE: no filetype detection; the server is told the languageId from it.
  vim.bo[bufnr].filetype = 'yaml'
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    fail('vim.lsp.buf_attach_client failed')
  end

  wait_for('the server to answer initialize', function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  local caps = client.server_capabilities or {}
  log('server initialized; offset_encoding=' .. tostring(client.offset_encoding))
  local sync = caps.textDocumentSync
  if type(sync) == 'table' and not sync.openClose then
    fail('server capabilities: textDocumentSync.openClose is not true, so Neovim 0.7 sends no didOpen')
  end
  if not caps.codeActionProvider then
    fail('server capabilities: no codeActionProvider')
  end

  -- 1. The diagnostic shows up on the Service, and on the StatefulSet's side
  -- of the tie in statefulset.yaml (not opened: read from the workspace).
  local sts_buf = vim.uri_to_bufnr(vim.uri_from_fname(dir .. '/statefulset.yaml'))
  wait_for('a `' .. CODE .. '` diagnostic on service.yaml', function()
    return find_lsp_diag(bufnr) ~= nil and find_vim_diag(bufnr) ~= nil
  end)
  wait_for('a `' .. CODE .. '` diagnostic on statefulset.yaml (the serviceName side)', function()
    return find_lsp_diag(sts_buf) ~= nil
  end)
  local diag = find_lsp_diag(bufnr)
  log(string.format('got %s at %d:%d: %s', CODE, diag.range.start.line + 1,
    diag.range.start.character + 1, (tostring(diag.message):gsub('\n', ' | '))))
  if diag.source ~= 'kube-lsp' then
    fail('diagnostic source is ' .. tostring(diag.source) .. ', expected kube-lsp')
  end

  -- 2. Code actions for it.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diag.range,
    context = { diagnostics = { diag } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS)
  if not responses then
    fail('textDocument/codeAction got no response: ' .. tostring(err))
  end
  local resp = responses[client_id]
  if not resp then
    fail('textDocument/codeAction: no response from the kube-lsp client')
  end
  if resp.error then
    fail('textDocument/codeAction returned an error: ' .. vim.inspect(resp.error))
  end
  local actions = resp.result or {}
  local titles = {}
  local chosen = nil
  for _, a in ipairs(actions) do
    table.insert(titles, string.format('%q (kind %s)', tostring(a.title), tostring(a.kind)))
    if not chosen and type(a.title) == 'string' and a.title:find('clusterIP: None', 1, true) then
      chosen = a
    end
  end
  log('code actions offered: ' .. (#titles > 0 and table.concat(titles, ', ') or '(none)'))
  if not chosen then
    fail('no code action whose title contains "clusterIP: None"')
  end
  if chosen.command and type(chosen.command) == 'string' then
    fail('server returned a bare Command, not a CodeAction: ' .. chosen.title)
  end
  if type(chosen.kind) ~= 'string' or not (chosen.kind == 'quickfix' or chosen.kind:find('^quickfix%.')) then
    fail('code action kind is ' .. tostring(chosen.kind) .. ', expected quickfix')
  end

  -- 3. Apply it. Resolve lazily computed edits if the server works that way.
  local edit = chosen.edit
  if not edit then
    local rp = caps.codeActionProvider
    if type(rp) == 'table' and rp.resolveProvider then
      local r, rerr = client.request_sync('codeAction/resolve', chosen, WAIT_MS, bufnr)
      if not r or r.err then
        fail('codeAction/resolve failed: ' .. vim.inspect(r and r.err or rerr))
      end
      edit = r.result and r.result.edit
    end
  end
  local before_publishes = publish_count
  if edit then
    -- 0.7 signature: apply_workspace_edit(workspace_edit, offset_encoding)
    vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  elseif chosen.command then
    -- The server applies the edit itself via workspace/applyEdit.
    local r, cerr = client.request_sync('workspace/executeCommand', chosen.command, WAIT_MS, bufnr)
    if not r or r.err then
      fail('workspace/executeCommand failed: ' .. vim.inspect(r and r.err or cerr))
    end
  else
    fail('the chosen code action has neither an edit nor a command')
  end

  -- 4. The buffer now says clusterIP: None, under spec, indented like its siblings.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local text = table.concat(lines, '\n')
  if not text:find('clusterIP: None', 1, true) then
    fail('after applying the edit the buffer does not contain "clusterIP: None"')
  end
  local cip_indent, sel_indent
  for _, l in ipairs(lines) do
    local ind = l:match('^(%s*)clusterIP:%s*None%s*$')
    if ind then
      cip_indent = ind
    end
    local sind = l:match('^(%s*)selector:%s*$')
    if sind then
      sel_indent = sind
    end
  end
  if not cip_indent then
    fail('"clusterIP: None" is not on a line of its own')
  end
  if sel_indent and cip_indent ~= sel_indent then
    fail(string.format('clusterIP is indented by %d, its sibling selector by %d', #cip_indent, #sel_indent))
  end
  if vim.api.nvim_get_current_buf() ~= bufnr then
    fail('applying the edit switched to another buffer')
  end
  log('edit applied; buffer contains "clusterIP: None":')
  for i, l in ipairs(lines) do
    log(string.format('  %3d| %s', i, l))
  end

  -- 5. The server re-analyses after didChange and drops the diagnostic.
  wait_for('a new publishDiagnostics for service.yaml without `' .. CODE .. '`', function()
    return publish_count > before_publishes and latest_publish(bufnr) ~= nil
      and find_lsp_diag(bufnr) == nil and find_vim_diag(bufnr) == nil
  end)
  log('diagnostic gone from service.yaml after re-analysis')
  -- The unsaved buffer overrides the disk copy, so the StatefulSet side
  -- clears too.
  wait_for('statefulset.yaml to lose `' .. CODE .. '` (the open buffer overrides the disk copy)', function()
    return find_lsp_diag(sts_buf) == nil
  end)
  log('diagnostic gone from statefulset.yaml too')

  finish(true)
end

local ok, e = xpcall(main, debug.traceback)
if not ok and not finished then
  finish(false, 'script error: ' .. tostring(e))
end
