// NixSyntax
