{
  description = "A library flake that depends on utils";
  inputs.utils.url = "git+file://@WORK@/repos/utils";
  outputs = { self, utils }: { lib.message = utils.lib.greet "lib"; };
}
