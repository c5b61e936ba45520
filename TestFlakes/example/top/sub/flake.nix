{
  description = "A flake inside the top-level flake's own tree";
  outputs = { self }: { };
}
