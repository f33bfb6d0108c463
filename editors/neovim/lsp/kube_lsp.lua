-- kube-lsp configuration for Neovim >= 0.11 (`vim.lsp.config` / `vim.lsp.enable`).
--
-- Put this file in an `lsp/` folder on your 'runtimepath' (for example
-- ~/.config/nvim/lsp/kube_lsp.lua), or add this repository's editors/neovim
-- folder to 'runtimepath', then enable it from init.lua:
--
--   vim.lsp.enable('kube_lsp')
--
-- It sends no settings: the server's defaults and the project's
-- `.kube-lsp.yaml` apply. Editor settings win over that file, so set only
-- what you mean to override, without editing this file:
--
--   vim.lsp.config('kube_lsp', {
--     settings = { kubeLsp = { defaultNamespace = 'redis' } },
--   })
--
-- See editors/neovim/README.md for older Neovim versions, nvim-lspconfig and
-- running beside yamlls and helm_ls.

---@type vim.lsp.Config
return {
  cmd = { 'kube-lsp' },
  -- Helm templates (filetype `helm`) belong to helm-ls, not to kube-lsp.
  filetypes = { 'yaml' },
  -- In order of priority (Neovim 0.11.1 and newer): the repository root,
  -- so that the server indexes every overlay and base of the repository;
  -- outside a repository, the nearest folder with a kustomization file.
  -- (A flat list: nested lists of equal priority fail before 0.11.3.)
  root_markers = { '.git', 'kustomization.yaml', 'kustomization.yml', 'Kustomization' },
  -- The "N references" code lens runs `editor.action.showReferences` with
  -- (uri, position, locations), VS Code's own command; Neovim has none, so
  -- here it puts the locations in the quickfix list.
  commands = {
    ['editor.action.showReferences'] = function(command, ctx)
      local locations = (command.arguments or {})[3] or {}
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      local items = vim.lsp.util.locations_to_items(locations, client and client.offset_encoding or 'utf-16')
      vim.fn.setqflist({}, ' ', { title = command.title, items = items })
      vim.cmd('botright copen')
    end,
  },
}
