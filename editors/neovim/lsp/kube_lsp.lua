-- kube-lsp configuration for Neovim >= 0.11 (`vim.lsp.config` / `vim.lsp.enable`).
--
-- Put this file in an `lsp/` folder on your 'runtimepath' (for example
-- ~/.config/nvim/lsp/kube_lsp.lua), or add this repository's editors/neovim
-- folder to 'runtimepath', then enable it from init.lua:
--
--   vim.lsp.enable('kube_lsp')
--
-- Override any field without editing this file:
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
  root_markers = { 'kustomization.yaml', '.git' },
  -- Sent at startup as initializationOptions.
  init_options = {
    kubeLsp = {
      clusterDomain = 'cluster.local',
      defaultNamespace = 'default',
    },
  },
  -- Sent with workspace/didChangeConfiguration and served to
  -- workspace/configuration requests (section `kubeLsp`). These win over the
  -- `.kube-lsp.yaml` file at the workspace root.
  settings = {
    kubeLsp = {
      clusterDomain = 'cluster.local',
      defaultNamespace = 'default',
      -- rules = { ['yaml-syntax'] = 'off' },  -- when yamlls runs too
    },
  },
}
