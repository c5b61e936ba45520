{
  description = "A small utility flake without inputs";
  outputs = { self }: { lib.greet = name: "hello, ${name}"; };
}
