-- End-to-end test of the shipped `lsp/kube_lsp.lua`, the user's way, in
-- Neovim 0.11 or newer: editors/neovim on 'runtimepath', then
-- vim.lsp.enable('kube_lsp'), kube-lsp found on PATH. Run it through
-- editors/neovim/test/config.sh, which builds the project below.
--
-- The project is a git repository (a `.git` folder) with `.kube-lsp.yaml`
-- (clusterDomain: cluster.example) at its root and the manifests in
-- base/, a kustomization folder. The checks:
--   - the root is the repository, not base/ (`.git` wins over
--     kustomization.yaml), so the server reads the project's
--     `.kube-lsp.yaml`;
--   - the config sends no settings of its own, so `cluster.example` from
--     that file reaches the hover (a default sent by the editor would win);
--   - `service-not-headless` shows on both files once the background index
--     is done, and the `clusterIP: None` quickfix clears both.
--
-- Environment: KUBE_LSP_E2E_REPO (this repository), KUBE_LSP_E2E_PROJECT
-- (the project), KUBE_LSP_E2E_RESULT (verdict file), KUBE_LSP_E2E_WAIT_MS.

local repo = assert(os.getenv('KUBE_LSP_E2E_REPO'), 'KUBE_LSP_E2E_REPO')
local project = assert(os.getenv('KUBE_LSP_E2E_PROJECT'), 'KUBE_LSP_E2E_PROJECT')
local result_file = os.getenv('KUBE_LSP_E2E_RESULT')
local WAIT_MS = tonumber(os.getenv('KUBE_LSP_E2E_WAIT_MS') or '') or 15000
local CODE = 'service-not-headless'

local function log(msg)
  io.stderr:write('[config] ' .. msg .. '\n')
end

local finished = false
local function finish(ok, reason)
  if finished then
    return
  end
  finished = true
  local verdict = ok and 'PASS' or ('FAIL: ' .. tostring(reason))
  log(verdict)
  if result_file then
    local f = assert(io.open(result_file, 'w'))
    f:write(verdict .. '\n')
    f:close()
  end
  for _, c in ipairs(vim.lsp.get_clients()) do
    c:stop()
  end
  vim.wait(3000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  vim.cmd(ok and 'qall!' or 'cquit 1')
end

local function fail(reason)
  finish(false, reason)
  error('__failed__', 0)
end

local function wait_for(what, pred)
  if not vim.wait(WAIT_MS, pred, 20) then
    fail(string.format('timed out after %d ms waiting for %s', WAIT_MS, what))
  end
end

local function has_code(buf)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == CODE and d.source == 'kube-lsp' then
      return d
    end
  end
  return nil
end

local function main()
  if vim.fn.has('nvim-0.11') ~= 1 then
    fail('needs Neovim 0.11 or newer, this is ' .. tostring(vim.version()))
  end
  log('Neovim ' .. tostring(vim.version()))

  -- What a user writes in init.lua.
  vim.opt.rtp:append(repo .. '/editors/neovim')
  vim.lsp.enable('kube_lsp')

  local service = project .. '/base/service.yaml'
  local statefulset = project .. '/base/statefulset.yaml'
  vim.cmd.edit(vim.fn.fnameescape(service))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'yaml' then
    fail('filetype of service.yaml is ' .. vim.bo[buf].filetype)
  end

  wait_for('the kube_lsp client to attach', function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'kube_lsp' }) == 1
  end)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'kube_lsp' })[1]
  local root = vim.uv.fs_realpath(project)
  if vim.uv.fs_realpath(client.root_dir or '') ~= root then
    fail(string.format('root_dir is %s, expected the repository root %s', tostring(client.root_dir), root))
  end
  log('root_dir: ' .. client.root_dir)
  local sent = client.config.init_options
  if sent ~= nil and next(sent) ~= nil then
    fail('the config sends init_options: ' .. vim.inspect(sent))
  end
  if next(client.config.settings or {}) ~= nil then
    fail('the config sends settings: ' .. vim.inspect(client.config.settings))
  end

  -- The index runs in the background: wait for its diagnostics.
  wait_for('`' .. CODE .. '` on service.yaml', function()
    return has_code(buf) ~= nil
  end)
  local sts_buf = vim.uri_to_bufnr(vim.uri_from_fname(statefulset))
  wait_for('`' .. CODE .. '` on statefulset.yaml (not opened)', function()
    return has_code(sts_buf) ~= nil
  end)
  log('diagnostics on both files')

  -- Hover on the Service's name: the project's cluster domain.
  local name_line
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:match('^%s+name:%s*redis%s*$') then
      name_line = i - 1
      break
    end
  end
  if not name_line then
    fail('no `name: redis` line in service.yaml')
  end
  local col = vim.api.nvim_buf_get_lines(buf, name_line, name_line + 1, false)[1]:find('redis', 1, true)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = name_line, character = col },
  }
  local hover = client:request_sync('textDocument/hover', params, WAIT_MS, buf)
  if not hover or hover.err or not hover.result then
    fail('hover failed: ' .. vim.inspect(hover))
  end
  local contents = hover.result.contents
  local text = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or tostring(contents)
  if not text:find('redis-0.redis.default.svc.cluster.example', 1, true) then
    fail('the hover does not show redis-0.redis.default.svc.cluster.example:\n' .. text)
  end
  if text:find('cluster.local', 1, true) then
    fail('the hover still mentions cluster.local:\n' .. text)
  end
  log('hover shows the cluster domain of .kube-lsp.yaml')

  -- The code lens on the Service: resolved, and its command (the config's
  -- own `editor.action.showReferences`) fills the quickfix list.
  local lenses = client:request_sync('textDocument/codeLens', { textDocument = { uri = vim.uri_from_bufnr(buf) } }, WAIT_MS, buf)
  local lens
  for _, l in ipairs(lenses and lenses.result or {}) do
    if l.range.start.line == name_line then
      lens = l
    end
  end
  if not lens then
    fail('no code lens on the Service name: ' .. vim.inspect(lenses))
  end
  local resolved = client:request_sync('codeLens/resolve', lens, WAIT_MS, buf)
  local command = resolved and resolved.result and resolved.result.command
  if not command or command.title ~= '1 reference' then
    fail('the lens did not resolve to "1 reference": ' .. vim.inspect(resolved))
  end
  local handler = client.commands[command.command]
  if not handler then
    fail('the config has no handler for `' .. command.command .. '`')
  end
  handler(command, { client_id = client.id, bufnr = buf })
  local items = vim.fn.getqflist()
  if #items ~= 1 or not vim.api.nvim_buf_get_name(items[1].bufnr):find('statefulset.yaml', 1, true) then
    fail('the lens did not list statefulset.yaml: ' .. vim.inspect(items))
  end
  vim.cmd('cclose')
  log('code lens: 1 reference, listed in the quickfix list')

  -- The quickfix, as `vim.lsp.buf.code_action()` would apply it.
  local diag = has_code(buf)
  local actions = client:request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = {
      start = { line = diag.lnum, character = diag.col },
      ['end'] = { line = diag.end_lnum, character = diag.end_col },
    },
    context = { diagnostics = { diag.user_data.lsp }, only = { 'quickfix' } },
  }, WAIT_MS, buf)
  local chosen
  for _, a in ipairs(actions and actions.result or {}) do
    if a.title:find('clusterIP: None', 1, true) then
      chosen = a
      break
    end
  end
  if not chosen or not chosen.edit then
    fail('no quickfix with an edit whose title contains `clusterIP: None`: ' .. vim.inspect(actions))
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  wait_for('`' .. CODE .. '` to clear on both files', function()
    return has_code(buf) == nil and has_code(sts_buf) == nil
  end)
  log('quickfix applied: both findings cleared')
  finish(true)
end

local ok, e = xpcall(main, debug.traceback)
if not ok and not finished then
  finish(false, 'script error: ' .. tostring(e))
end
