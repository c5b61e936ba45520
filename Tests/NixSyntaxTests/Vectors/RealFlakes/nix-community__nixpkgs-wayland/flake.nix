{
  description = "nixpkgs-wayland";

  inputs = {
    nixpkgs = {
      url = "github:nixos/nixpkgs/nixos-unstable";
    };
    lib-aggregate = {
      url = "github:nix-community/lib-aggregate";
    };
    flake-compat = {
      url = "github:nix-community/flake-compat";
    };
  };

  nixConfig = {
    extra-substituters = [ "https://nixpkgs-wayland.cachix.org" ];
    extra-trusted-substituters = [ "https://nixpkgs-wayland.cachix.org" ];
    extra-trusted-public-keys = [
      "nixpkgs-wayland.cachix.org-1:3lwxaILxMRkVhehr5StQprHdEo4IrE8sRho9R9HOLYA="
    ];
  };

  outputs =
    inputs:
    let
      inherit (inputs.lib-aggregate) lib;
      inherit (inputs) self;

      packageSystems = [
        "x86_64-linux"
        "aarch64-linux"
        "riscv64-linux"
      ];

      devShellSystems = packageSystems ++ [
        "aarch64-darwin"
      ];
      forSystems =
        systems: f:
        inputs.nixpkgs.lib.genAttrs systems (
          system:
          f {
            inherit system;
            pkgs = import inputs.nixpkgs {
              inherit system;
              overlays = [
                inputs.self.overlays.default
              ];
              config.allowUnfree = true;
            };
          }
        );

      waylandOverlay =
        final: prev:
        let
          template =
            {
              attrName,
              nixpkgsAttrName ? "",
              extra ? { },
              replace ? { },
              replaceInput ? { },
              deprecationWarning ? "",
            }:
            import ./templates/template.nix {
              inherit
                prev
                attrName
                extra
                replace
                nixpkgsAttrName
                replaceInput
                deprecationWarning
                ;
            };
          checkMutuallyExclusive = lib.mutuallyExclusive (map (e: e.attrName) attrsExtraChangesNeeded) (
            map (e: e.attrName) attrsNoExtraChangesNeeded
          );
          genPackagesGH =
            if checkMutuallyExclusive then
              lib.listToAttrs (
                map (a: {
                  name = a.attrName;
                  value = template a;
                }) (attrsExtraChangesNeeded ++ attrsNoExtraChangesNeeded)
              )
            else
              throw "some 'attrName' value is in both attrsExtraChangesNeeded and attrsNoExtraChangesNeeded";

          # these need extra nativeBuildInputs or buildInputs or the patches cleared
          attrsExtraChangesNeeded = [
            {
              attrName = "drm_info";
              extra.nativeBuildInputs = [ prev.scdoc ];
              replace = previousAttrs: {
                postPatch =
                  builtins.replaceStrings
                    [
                      ''
                        substituteInPlace meson.build \
                      ''
                      ''
                        --replace-fail "'<2.4.134'" "'<2.4.133'"
                      ''
                    ]
                    [
                      ""
                      ""
                    ]
                    previousAttrs.postPatch or "";
              };
            }
            {
              attrName = "swaylock";
              replace.patches = [ ];
            }
            {
              attrName = "grim";
              replace.patches = [ ];
            }
            {
              attrName = "gtk-layer-shell";
              extra.nativeBuildInputs = [ prev.vala ];
              replace.patches = [ ];
            }
            {
              attrName = "sway-unwrapped";
              extra.buildInputs = [ prev.libxcb-wm ];
              replaceInput = {
                wlroots_0_20 = final.wlroots;
                wayland-protocols = final.new-wayland-protocols;
              };
              replace = previousAttrs: {
                mesonFlags = lib.remove "-Dxwayland=disabled" (
                  lib.remove "-Dxwayland=enabled" prev.sway-unwrapped.mesonFlags
                );
                patches =
                  let
                    patchesToRemove = [
                      (prev.fetchpatch {
                        name = "libinput-1.27-p1.patch";
                        url = "https://github.com/swaywm/sway/commit/bbadf9b8b10d171a6d5196da7716ea50ee7a6062.patch";
                        hash = "sha256-lA+oL1vqGQOm7K+AthzHYBzmOALrDgxzX/5Dx7naq84=";
                      })
                      (prev.fetchpatch {
                        name = "libinput-1.27-p2.patch";
                        url = "https://github.com/swaywm/sway/commit/e2409aa49611bee1e1b99033461bfab0a7550c48.patch";
                        hash = "sha256-l598qfq+rpKy3/0arQruwd+BsELx85XDjwIDkb/o6og=";
                      })
                    ];
                  in
                  (lib.filter (patch: (lib.any (rmpatch: rmpatch != patch) patchesToRemove)) previousAttrs.patches);

              };
            }
            {
              attrName = "cage";
              extra.buildInputs = [
                prev.libxcb-wm
                prev.wlroots
              ];
              # _FORTIFY_SOURCE requires compiling with optimization (-O)
              # PR https://github.com/NixOS/nixpkgs/pull/232917 added -O0
              replace = previousAttrs: {
                CFLAGS = "";
                # https://github.com/cage-kiosk/cage/commit/d3fb99d6654325ec46277cfdb589f89316bed701
                mesonFlags = lib.remove "-Dxwayland=true" (lib.remove "-Dxwayland=false" prev.cage.mesonFlags);
                patches =
                  let
                    patchesToRemove = [
                      (prev.fetchpatch {
                        url = "https://github.com/cage-kiosk/cage/commit/832e88b0c964a324bb09c7af02ed0650b73dfb9b.patch";
                        hash = "sha256-8dyJL46xXGkw3pF9uskX8H72s0hUO1BhU2UMaoEwz4U=";
                      })
                    ];
                  in
                  (lib.filter (patch: (lib.any (rmpatch: rmpatch != patch) patchesToRemove)) (
                    lib.warnIf (!previousAttrs ? patches)
                      "nixpkgs-wayland: The patches attr of `cage` is empty, there is no need to remove patches from it!"
                      (previousAttrs.patches or [ ])
                  ));
              };
            }
            {
              attrName = "wob";
              extra.buildInputs = [
                prev.pixman
                prev.cmocka
              ];
            }
            {
              attrName = "libvncserver_master";
              nixpkgsAttrName = "libvncserver";
              replace = previousAttrs: {
                # The version in nixpkgs has different paths so the patch is updated here.
                patches = [ ./pkgs/libvncserver_master/pkgconfig.patch ];
                postPatch =
                  builtins.replaceStrings
                    [
                      ''
                        --replace-fail 'add_test(NAME includetest COMMAND' '# add_test(NAME includetest COMMAND'
                      ''
                    ]
                    [
                      ''
                        --replace-fail 'add_test(NAME includetest_server COMMAND' '# add_test(NAME includetest_server COMMAND' \
                        --replace-fail 'add_test(NAME includetest_client COMMAND' '# add_test(NAME includetest_client COMMAND'
                      ''
                    ]
                    previousAttrs.postPatch;
              };
            }
            {
              attrName = "wayvnc";
              nixpkgsAttrName = "wayvnc";
              extra.buildInputs = [ prev.jansson ];
            }
            {
              attrName = "eww";
              nixpkgsAttrName = "eww";
              extra.buildInputs = [
                prev.libdbusmenu
                prev.libdbusmenu-gtk3
              ];
              # patch was applied upstream
              replace.cargoPatches = [ ];
              # cargoPatches is addded to patches
              replace.patches = [ ];
            }
            {
              attrName = "wf-recorder";
              replace.patches = [ ];
              extra.buildInputs = [
                prev.mesa
                prev.pipewire
              ];
            }
            {
              attrName = "xdg-desktop-portal-wlr";
              nixpkgsAttrName = "xdg-desktop-portal-wlr";
              replace.patches = [ ];
            }
            {
              attrName = "new-wayland-protocols";
              nixpkgsAttrName = "wayland-protocols";
            }
            # {
            #   attrName = "wl-screenrec";
            #   # soon in nixpkgs
            #   extra.buildInputs = [ prev.libdrm ];
            #   replace.doCheck = false;
            # }
            {
              attrName = "wbg";
              extra.buildInputs = [
                prev.libjxl
                prev.pixman
              ];
            }
            {
              attrName = "dunst";
              # remove once nixpkgs is above 1.11.1
              replace = previousAttrs: {
                postInstall =
                  builtins.replaceStrings
                    [
                      ''
                        substituteInPlace $out/share/zsh/site-functions/_dunstctl $out/share/fish/vendor_completions.d/{dunstctl,dunstify} \
                          --replace-fail "jq" "${lib.getExe prev.jq}"
                      ''
                    ]
                    [
                      ''
                        substituteInPlace $out/share/zsh/site-functions/_dunstctl $out/share/fish/vendor_completions.d/{dunstctl,dunstify}.fish \
                          --replace-fail "jq" "${lib.getExe prev.jq}"
                      ''
                    ]
                    previousAttrs.postInstall;
              };
            }
            {
              attrName = "neatvnc";
              replace.patches = [ ];
              replaceInput = {
                ffmpeg = prev.ffmpeg_7;
              };
              extra = {
                nativeBuildInputs = [ prev.openssl ];
              };
            }
            {
              attrName = "waypipe";
              extra = {
                depsBuildBuild = [ prev.pkg-config ];
                nativeBuildInputs = [
                  prev.pkg-config
                  prev.wayland-scanner
                ];
                buildInputs = [ prev.wayland ];
              };
            }
            {
              attrName = "imv";
              extra = {
                nativeBuildInputs = [
                  prev.unixtools.xxd
                  prev.wayland-scanner
                ];
                buildInputs = [ prev.lcms2 ];
              };
            }
          ];

          # these do not need changes from the package that nixpkgs has
          attrsNoExtraChangesNeeded = lib.attrValues (
            lib.genAttrs
              [
                "gebaar-libinput"
                "mako"
                "slurp"
                "swaybg"
                "swayidle"
                "swaylock-effects"
                "wl-clipboard"
                "wlogout"
                "wlr-randr"
                "wofi"
                "wtype"
                "wshowkeys"
                "aml"
                "wdisplays"
                "kanshi"
                "wev"
                "lavalauncher"
                "wlsunset"
                "awww"
                "sirula"
                "wlay"
                "i3status-rust"
                "shotman"
              ]
              (s: {
                attrName = s;
              })
          );

          waylandPkgs = genPackagesGH // rec {
            # wlroots-related
            salut = prev.callPackage ./pkgs/salut { };
            wlvncc = prev.callPackage ./pkgs/wlvncc { libvncserver = final.libvncserver_master; };
            obs-wlrobs = template {
              nixpkgsAttrName = "obs-studio-plugins.wlrobs";
              attrName = "obs-wlrobs";
            };
            # the above should actually be, but there's eval error and doing
            # 'nix build -f packages.nix' would build all packages in obs-studio-plugins
            # obs-studio-plugins = prev.obs-studio-plugins // {
            #   wlrobs = template {
            #     nixpkgsAttrName = "obs-studio-plugins.wlrobs";
            #     attrName = "wlrobs";
            #   };
            # };
            wldash = prev.callPackage ./pkgs/wldash { };
            wlroots = prev.callPackage ./pkgs/wlroots {
              inherit (prev) wlroots;
              wayland-protocols = final.new-wayland-protocols;
            };

            wl-gammarelay-rs = prev.callPackage ./pkgs/wl-gammarelay-rs { };

            freerdp3 = prev.callPackage ./pkgs/freerdp3 { };

            # misc
            foot = prev.callPackage ./pkgs/foot { inherit foot; };
          };
        in
        waylandPkgs // { inherit waylandPkgs; };
    in
    {

      overlay = waylandOverlay;
      overlays.default = waylandOverlay;

      packages = forSystems packageSystems (
        { pkgs, system, ... }:
        (
          pkgs.waylandPkgs
          // {
            default = inputs.self.bundle.${system};
          }
        )
      );

      devShells = forSystems devShellSystems (
        { pkgs, system, ... }:
        {
          default = pkgs.mkShell {
            nativeBuildInputs = with pkgs; [
              nix
              nushell
              cachix
              cacert
              git
              mercurial
              ripgrep
              sd
            ];
          };
        }
      );

      formatter = forSystems devShellSystems ({ pkgs, system, ... }: pkgs.nixfmt);

      bundle = forSystems packageSystems (
        { pkgs, system, ... }:
        pkgs.symlinkJoin {
          name = "nixpkgs-wayland-bundle";
          paths = builtins.attrValues (
            lib.filterAttrs (_: v: lib.meta.availableOn pkgs.stdenv.hostPlatform v) pkgs.waylandPkgs
          );
        }
      );
    };
}
