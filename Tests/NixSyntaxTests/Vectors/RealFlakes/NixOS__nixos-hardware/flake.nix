{
  description = "nixos-hardware";

  inputs.nixpkgs.url = "https://channels.nixos.org/nixos-unstable/nixexprs.tar.xz";

  outputs =
    { self, nixpkgs, ... }:
    let
      # Import private inputs (for development)
      privateInputs =
        (import ./tests/flake-compat.nix {
          src = {
            outPath = self.outPath + "/tests";
          };
        }).defaultNix;

      systems = [
        "aarch64-linux"
        "riscv64-linux"
        "x86_64-linux"
      ];

      formatSystems = [
        "aarch64-linux"
        "x86_64-linux"
        "aarch64-darwin"
      ];

      # Helper to iterate over systems
      eachSystem = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system} system);

      eachSystemFormat =
        f: nixpkgs.lib.genAttrs formatSystems (system: f nixpkgs.legacyPackages.${system} system);
    in
    {

      nixosModules =
        let
          deprecated =
            issue: name: value:
            builtins.trace "warning: ${name} flake output is deprecated and will be removed. See https://github.com/NixOS/nixos-hardware/issues/${issue} for more information" value;
          import = path: path; # let the module system know what we are exporting
        in
        {
          acer-aspire-4810t = import ./acer/aspire/4810t;
          acer-predator-helios-300-ph315-51 = import ./acer/predator/helios/300/ph315-51;
          airis-n990 = import ./airis/n990;
          aoostar-r1-n100 = import ./aoostar/r1/n100;
          apple-imac-12-2 = import ./apple/imac/12-2;
          apple-imac-14-2 = import ./apple/imac/14-2;
          apple-imac-18-2 = import ./apple/imac/18-2;
          apple-macbook-air-3 = import ./apple/macbook-air/3;
          apple-macbook-air-4 = import ./apple/macbook-air/4;
          apple-macbook-air-5 = import ./apple/macbook-air/5;
          apple-macbook-air-6 = import ./apple/macbook-air/6;
          apple-macbook-air-7 = import ./apple/macbook-air/7;
          apple-macbook-pro = import ./apple/macbook-pro;
          apple-macbook-pro-8-1 = import ./apple/macbook-pro/8-1;
          apple-macbook-pro-10-1 = import ./apple/macbook-pro/10-1;
          apple-macbook-pro-11-1 = import ./apple/macbook-pro/11-1;
          apple-macbook-pro-11-4 = import ./apple/macbook-pro/11-4;
          apple-macbook-pro-11-5 = import ./apple/macbook-pro/11-5;
          apple-macbook-pro-12-1 = import ./apple/macbook-pro/12-1;
          apple-macbook-pro-14-1 = import ./apple/macbook-pro/14-1;
          apple-macmini-4-1 = import ./apple/macmini/4;
          apple-t2 = import ./apple/t2;
          asrock-rack-altrad8ud-1l2t = import ./asrock-rack/altrad8ud-1l2t;
          asus-battery = import ./asus/battery.nix;
          asus-ally-rc71l = import ./asus/ally/rc71l;
          asus-fx504gd = import ./asus/fx504gd;
          asus-fx506hm = import ./asus/fx506hm;
          asus-fa506ic = import ./asus/fa506ic;
          asus-fa506nc = import ./asus/fa506nc;
          asus-fa507nv = import ./asus/fa507nv;
          asus-fa507rm = import ./asus/fa507rm;
          asus-fa706ic = import ./asus/fa706ic;
          asus-flow-gv302x-amdgpu = import ./asus/flow/gv302x/amdgpu;
          asus-flow-gv302x-nvidia = import ./asus/flow/gv302x/nvidia;
          asus-flow-gz301vu = import ./asus/flow/gz301vu;
          asus-proart-px13 = import ./asus/proart/px13;
          asus-proart-px13-hn7306eac = import ./asus/proart/px13/hn7306eac;
          asus-pro-ws-x570-ace = import ./asus/pro-ws-x570-ace;
          asus-rog-gl552vw = import ./asus/rog-gl552vw;
          asus-rog-strix-g513im = import ./asus/rog-strix/g513im;
          asus-rog-strix-g533zw = import ./asus/rog-strix/g533zw;
          asus-rog-strix-g533q = import ./asus/rog-strix/g533q;
          asus-rog-strix-g713ie = import ./asus/rog-strix/g713ie;
          asus-rog-strix-g733qs = import ./asus/rog-strix/g733qs;
          asus-rog-strix-x570e = import ./asus/rog-strix/x570e;
          asus-zenbook-um6702 = import ./asus/zenbook/um6702;
          asus-zenbook-ux371 = import ./asus/zenbook/ux371;
          asus-zenbook-ux535 = import ./asus/zenbook/ux535;
          asus-zenbook-ux481-intelgpu = import ./asus/zenbook/ux481/intelgpu;
          asus-zenbook-ux481-nvidia = import ./asus/zenbook/ux481/nvidia;
          asus-zephyrus-ga401iv = import ./asus/zephyrus/ga401iv;
          asus-zephyrus-ga401 = import ./asus/zephyrus/ga401;
          asus-zephyrus-ga402 = import ./asus/zephyrus/ga402;
          asus-zephyrus-ga402x = import ./asus/zephyrus/ga402x;
          asus-zephyrus-ga402x-amdgpu = import ./asus/zephyrus/ga402x/amdgpu;
          asus-zephyrus-ga402x-nvidia = import ./asus/zephyrus/ga402x/nvidia;
          asus-zephyrus-ga502 = import ./asus/zephyrus/ga502;
          asus-zephyrus-ga503 = import ./asus/zephyrus/ga503;
          asus-zephyrus-gu603h = import ./asus/zephyrus/gu603h;
          asus-zephyrus-gu605cw = import ./asus/zephyrus/gu605cw;
          asus-zephyrus-gu605my = import ./asus/zephyrus/gu605my;
          beagleboard-pocketbeagle = import ./beagleboard/pocketbeagle;
          chuwi-minibook-x = import ./chuwi/minibook-x;
          deciso-dec = import ./deciso/dec;
          dell-e7240 = deprecated "1326" "dell-e7240" (import ./dell/e7240);
          dell-g3-3779 = import ./dell/g3/3779;
          dell-g3-3579 = import ./dell/g3/3579;
          dell-inspiron-3442 = import ./dell/inspiron/3442;
          dell-inspiron-14-5420 = import ./dell/inspiron/14-5420;
          dell-inspiron-5509 = import ./dell/inspiron/5509;
          dell-inspiron-5515 = import ./dell/inspiron/5515;
          dell-inspiron-7405 = import ./dell/inspiron/7405;
          dell-inspiron-7460 = import ./dell/inspiron/7460;
          dell-inspiron-7559 = import ./dell/inspiron/7559;
          dell-latitude-3340 = import ./dell/latitude/3340;
          dell-latitude-3480 = import ./dell/latitude/3480;
          dell-latitude-5490 = import ./dell/latitude/5490;
          dell-latitude-5520 = import ./dell/latitude/5520;
          dell-latitude-7280 = import ./dell/latitude/7280;
          dell-latitude-7390 = import ./dell/latitude/7390;
          dell-latitude-7420 = import ./dell/latitude/7420;
          dell-latitude-7430 = import ./dell/latitude/7430;
          dell-latitude-7490 = import ./dell/latitude/7490;
          dell-latitude-9430 = import ./dell/latitude/9430;
          dell-latitude-e7240 = import ./dell/latitude/e7240;
          dell-latitude-e7440 = import ./dell/latitude/e7440;
          dell-optiplex-3050 = import ./dell/optiplex/3050;
          dell-poweredge-r7515 = import ./dell/poweredge/r7515;
          dell-precision-3490 = deprecated "1491" "dell-precision-3490" (import ./dell/precision/3490);
          dell-precision-3490-nvidia = import ./dell/precision/3490/nvidia;
          dell-precision-3490-intel = import ./dell/precision/3490/intel;
          dell-precision-3541 = import ./dell/precision/3541;
          dell-precision-5490 = import ./dell/precision/5490;
          dell-precision-5530 = import ./dell/precision/5530;
          dell-precision-5560 = import ./dell/precision/5560;
          dell-precision-5570 = import ./dell/precision/5570;
          dell-precision-5820 = import ./dell/precision/5820;
          dell-precision-7520 = import ./dell/precision/7520;
          dell-xps-13-7390 = import ./dell/xps/13-7390;
          dell-xps-13-9300 = import ./dell/xps/13-9300;
          dell-xps-13-9310 = import ./dell/xps/13-9310;
          dell-xps-13-9315 = import ./dell/xps/13-9315;
          dell-xps-13-9333 = import ./dell/xps/13-9333;
          dell-xps-13-9343 = import ./dell/xps/13-9343;
          dell-xps-13-9350 = import ./dell/xps/13-9350;
          dell-xps-13-9360 = import ./dell/xps/13-9360;
          dell-xps-13-9370 = import ./dell/xps/13-9370;
          dell-xps-13-9380 = import ./dell/xps/13-9380;
          dell-xps-15-7590 = import ./dell/xps/15-7590;
          dell-xps-15-7590-nvidia = import ./dell/xps/15-7590/nvidia;
          dell-xps-15-9500 = import ./dell/xps/15-9500;
          dell-xps-15-9500-nvidia = import ./dell/xps/15-9500/nvidia;
          dell-xps-15-9510 = import ./dell/xps/15-9510;
          dell-xps-15-9510-nvidia = import ./dell/xps/15-9510/nvidia;
          dell-xps-15-9520 = import ./dell/xps/15-9520;
          dell-xps-15-9520-nvidia = import ./dell/xps/15-9520/nvidia;
          dell-xps-15-9530 = import ./dell/xps/15-9530;
          dell-xps-15-9530-nvidia = import ./dell/xps/15-9530/nvidia;
          dell-xps-15-9550 = import ./dell/xps/15-9550;
          dell-xps-15-9550-nvidia = import ./dell/xps/15-9550/nvidia;
          dell-xps-15-9560 = import ./dell/xps/15-9560;
          dell-xps-15-9560-intel = import ./dell/xps/15-9560/intel;
          dell-xps-15-9560-nvidia = import ./dell/xps/15-9560/nvidia;
          dell-xps-15-9570 = import ./dell/xps/15-9570;
          dell-xps-15-9570-intel = import ./dell/xps/15-9570/intel;
          dell-xps-15-9570-nvidia = import ./dell/xps/15-9570/nvidia;
          dell-xps-17-9700-intel = import ./dell/xps/17-9700/intel;
          dell-xps-17-9700-nvidia = import ./dell/xps/17-9700/nvidia;
          dell-xps-17-9710-intel = import ./dell/xps/17-9710/intel;
          framework = import ./framework;
          framework-11th-gen-intel = import ./framework/13-inch/11th-gen-intel;
          framework-12th-gen-intel = import ./framework/13-inch/12th-gen-intel;
          framework-13th-gen-intel = import ./framework/13-inch/13th-gen-intel;
          framework-12-13th-gen-intel = import ./framework/12-inch/13th-gen-intel;
          framework-intel-core-ultra-series1 = import ./framework/13-inch/intel-core-ultra-series1;
          framework-intel-core-ultra-series3 = import ./framework/13-inch/intel-core-ultra-series3;
          framework-13-7040-amd = import ./framework/13-inch/7040-amd;
          framework-amd-ai-300-series = import ./framework/13-inch/amd-ai-300-series;
          framework-16-7040-amd = import ./framework/16-inch/7040-amd;
          framework-16-amd-ai-300-series = import ./framework/16-inch/amd-ai-300-series;
          framework-16-amd-ai-300-series-nvidia = import ./framework/16-inch/amd-ai-300-series/nvidia;
          framework-desktop-amd-ai-max-300-series = import ./framework/desktop/amd-ai-max-300-series;
          friendlyarm-nanopc-t4 = import ./friendlyarm/nanopc-t4;
          friendlyarm-nanopi-r5s = import ./friendlyarm/nanopi-r5s;
          focus-m2-gen1 = import ./focus/m2/gen1;
          fydetab-duo = import ./fydetab/duo;
          gigabyte-b550 = import ./gigabyte/b550;
          gigabyte-b650 = import ./gigabyte/b650;
          gmktec-nucbox-g3-plus = import ./gmktec/nucbox/g3-plus;
          google-pixelbook = import ./google/pixelbook;
          google-brya = import ./google/brya;
          google-rex = import ./google/rex;
          gpd-micropc = import ./gpd/micropc;
          gpd-p2-max = import ./gpd/p2-max;
          gpd-pocket-3 = import ./gpd/pocket-3;
          gpd-pocket-4 = import ./gpd/pocket-4;
          gpd-win-2 = import ./gpd/win-2;
          gpd-win-max-2-2023 = import ./gpd/win-max-2/2023;
          gpd-win-mini-2024 = import ./gpd/win-mini/2024;
          hp-elitebook-2560p = import ./hp/elitebook/2560p;
          hp-elitebook-830g6 = import ./hp/elitebook/830/g6;
          hp-elitebook-845g7 = import ./hp/elitebook/845/g7;
          hp-elitebook-845g8 = import ./hp/elitebook/845/g8;
          hp-elitebook-845g9 = import ./hp/elitebook/845/g9;
          hp-probook-440G5 = import ./hp/probook/440G5;
          hp-probook-460G11 = import ./hp/probook/460G11;
          hp-laptop-14s-dq2024nf = import ./hp/laptop/14s-dq2024nf;
          hp-laptop-15s-fq1xxx = import ./hp/laptop/15s-fq1xxx;
          huawei-machc-wa = import ./huawei/machc-wa;
          hp-notebook-14-df0023 = import ./hp/notebook/14-df0023;
          intel-nuc-5i5ryb = import ./intel/nuc/5i5ryb;
          intel-nuc-7i3bnb = import ./intel/nuc/7i3bnb;
          intel-nuc-8i7beh = import ./intel/nuc/8i7beh;
          intel-nuc-12wshi7 = import ./intel/nuc/12wshi7;
          lenovo-ideacentre-k330 = import ./lenovo/ideacentre/k330;
          lenovo-ideapad-14imh9 = import ./lenovo/ideapad/14imh9;
          lenovo-ideapad-15alc6 = import ./lenovo/ideapad/15alc6;
          lenovo-ideapad-15arh05 = import ./lenovo/ideapad/15arh05;
          lenovo-ideapad-15ach6 = import ./lenovo/ideapad/15ach6;
          lenovo-ideapad-16ach6 = import ./lenovo/ideapad/16ach6;
          lenovo-ideapad-16ahp9 = import ./lenovo/ideapad/16ahp9;
          lenovo-ideapad-s5-16iah8 = import ./lenovo/ideapad/16iah8;
          lenovo-ideapad-z510 = import ./lenovo/ideapad/z510;
          lenovo-ideapad-slim-5 = import ./lenovo/ideapad/slim-5;
          lenovo-ideapad-s145-15api = import ./lenovo/ideapad/s145-15api;
          lenovo-legion-15ach6 = import ./lenovo/legion/15ach6;
          lenovo-legion-15ach6h = import ./lenovo/legion/15ach6h;
          lenovo-legion-15ach6h-hybrid = import ./lenovo/legion/15ach6h/hybrid;
          lenovo-legion-15ach6h-nvidia = import ./lenovo/legion/15ach6h/nvidia;
          lenovo-legion-15arh05h = import ./lenovo/legion/15arh05h;
          lenovo-legion-16ach6h = import ./lenovo/legion/16ach6h;
          lenovo-legion-16ach6h-hybrid = import ./lenovo/legion/16ach6h/hybrid;
          lenovo-legion-16ach6h-nvidia = import ./lenovo/legion/16ach6h/nvidia;
          lenovo-legion-16arh7h-igpu-only = import ./lenovo/legion/16arh7h/igpu-only;
          lenovo-legion-16arh7h-hybrid = import ./lenovo/legion/16arh7h/hybrid;
          lenovo-legion-16achg6-hybrid = import ./lenovo/legion/16achg6/hybrid;
          lenovo-legion-16achg6-nvidia = import ./lenovo/legion/16achg6/nvidia;
          lenovo-legion-16aph8 = import ./lenovo/legion/16aph8;
          lenovo-legion-16arha7 = import ./lenovo/legion/16arha7;
          lenovo-legion-16iah7h = import ./lenovo/legion/16iah7h;
          lenovo-legion-16ithg6 = import ./lenovo/legion/16ithg6;
          lenovo-legion-16irx8h = import ./lenovo/legion/16irx8h;
          lenovo-legion-16irx9h = import ./lenovo/legion/16irx9h;
          lenovo-legion-16iax10h = import ./lenovo/legion/16iax10h;
          lenovo-legion-t526amr5 = import ./lenovo/legion/t526amr5;
          lenovo-legion-y530-15ich = import ./lenovo/legion/15ich;
          lenovo-thinkpad = import ./lenovo/thinkpad;
          lenovo-thinkpad-a475 = import ./lenovo/thinkpad/a475;
          lenovo-thinkpad-e14-amd = import ./lenovo/thinkpad/e14/amd;
          lenovo-thinkpad-e14-intel = import ./lenovo/thinkpad/e14/intel;
          lenovo-thinkpad-e14-intel-gen2 = import ./lenovo/thinkpad/e14/intel/gen2;
          lenovo-thinkpad-e14-intel-gen4 = import ./lenovo/thinkpad/e14/intel/gen4;
          lenovo-thinkpad-e14-intel-gen6 = import ./lenovo/thinkpad/e14/intel/gen6;
          lenovo-thinkpad-e15-intel = import ./lenovo/thinkpad/e15/intel;
          lenovo-thinkpad-e470 = import ./lenovo/thinkpad/e470;
          lenovo-thinkpad-e495 = import ./lenovo/thinkpad/e495;
          lenovo-thinkpad-l13 = import ./lenovo/thinkpad/l13;
          lenovo-thinkpad-l13-yoga = import ./lenovo/thinkpad/l13/yoga;
          lenovo-thinkpad-l14-amd = import ./lenovo/thinkpad/l14/amd;
          lenovo-thinkpad-l14-intel = import ./lenovo/thinkpad/l14/intel;
          lenovo-thinkpad-l480 = import ./lenovo/thinkpad/l480;
          lenovo-thinkpad-p1 = import ./lenovo/thinkpad/p1;
          lenovo-thinkpad-p1-gen3 = import ./lenovo/thinkpad/p1/3th-gen;
          lenovo-thinkpad-p14s-amd-gen1 = import ./lenovo/thinkpad/p14s/amd/gen1;
          lenovo-thinkpad-p14s-amd-gen2 = import ./lenovo/thinkpad/p14s/amd/gen2;
          lenovo-thinkpad-p14s-amd-gen3 = import ./lenovo/thinkpad/p14s/amd/gen3;
          lenovo-thinkpad-p14s-amd-gen4 = import ./lenovo/thinkpad/p14s/amd/gen4;
          lenovo-thinkpad-p14s-amd-gen5 = import ./lenovo/thinkpad/p14s/amd/gen5;
          lenovo-thinkpad-p14s-amd-gen6 = import ./lenovo/thinkpad/p14s/amd/gen6;
          lenovo-thinkpad-p14s-intel-gen2 = import ./lenovo/thinkpad/p14s/intel/gen2;
          lenovo-thinkpad-p14s-intel-gen3 = import ./lenovo/thinkpad/p14s/intel/gen3;
          lenovo-thinkpad-p14s-intel-gen5 = import ./lenovo/thinkpad/p14s/intel/gen5;
          lenovo-thinkpad-p15v-intel-gen3 = import ./lenovo/thinkpad/p15v/intel/gen3;
          lenovo-thinkpad-p16s-amd-gen1 = import ./lenovo/thinkpad/p16s/amd/gen1;
          lenovo-thinkpad-p16s-amd-gen2 = import ./lenovo/thinkpad/p16s/amd/gen2;
          lenovo-thinkpad-p16s-amd-gen4 = import ./lenovo/thinkpad/p16s/amd/gen4;
          lenovo-thinkpad-p16s-intel-gen2 = import ./lenovo/thinkpad/p16s/intel/gen2;
          lenovo-thinkpad-p16s-intel-gen3 = import ./lenovo/thinkpad/p16s/intel/gen3;
          lenovo-thinkpad-p43s = import ./lenovo/thinkpad/p43s;
          lenovo-thinkpad-p50 = import ./lenovo/thinkpad/p50;
          lenovo-thinkpad-p51 = import ./lenovo/thinkpad/p51;
          lenovo-thinkpad-p52 = import ./lenovo/thinkpad/p52;
          lenovo-thinkpad-p53 = import ./lenovo/thinkpad/p53;
          lenovo-thinkpad-t14 = import ./lenovo/thinkpad/t14;
          lenovo-thinkpad-t14-amd-gen1 = import ./lenovo/thinkpad/t14/amd/gen1;
          lenovo-thinkpad-t14-amd-gen2 = import ./lenovo/thinkpad/t14/amd/gen2;
          lenovo-thinkpad-t14-amd-gen3 = import ./lenovo/thinkpad/t14/amd/gen3;
          lenovo-thinkpad-t14-amd-gen4 = import ./lenovo/thinkpad/t14/amd/gen4;
          lenovo-thinkpad-t14-amd-gen5 = import ./lenovo/thinkpad/t14/amd/gen5;
          lenovo-thinkpad-t14-intel-gen1 = import ./lenovo/thinkpad/t14/intel/gen1;
          lenovo-thinkpad-t14-intel-gen1-nvidia = import ./lenovo/thinkpad/t14/intel/gen1/nvidia;
          lenovo-thinkpad-t14-intel-gen6 = import ./lenovo/thinkpad/t14/intel/gen6;
          lenovo-thinkpad-t14s = import ./lenovo/thinkpad/t14s;
          lenovo-thinkpad-t14s-amd-gen1 = import ./lenovo/thinkpad/t14s/amd/gen1;
          lenovo-thinkpad-t14s-amd-gen4 = import ./lenovo/thinkpad/t14s/amd/gen4;
          lenovo-thinkpad-t410 = import ./lenovo/thinkpad/t410;
          lenovo-thinkpad-t420 = import ./lenovo/thinkpad/t420;
          lenovo-thinkpad-t430 = import ./lenovo/thinkpad/t430;
          lenovo-thinkpad-t440p = import ./lenovo/thinkpad/t440p;
          lenovo-thinkpad-t440s = import ./lenovo/thinkpad/t440s;
          lenovo-thinkpad-t450s = import ./lenovo/thinkpad/t450s;
          lenovo-thinkpad-t460 = import ./lenovo/thinkpad/t460;
          lenovo-thinkpad-t460p = import ./lenovo/thinkpad/t460p;
          lenovo-thinkpad-t460s = import ./lenovo/thinkpad/t460s;
          lenovo-thinkpad-t470s = import ./lenovo/thinkpad/t470s;
          lenovo-thinkpad-t480 = import ./lenovo/thinkpad/t480;
          lenovo-thinkpad-t480s = import ./lenovo/thinkpad/t480s;
          lenovo-thinkpad-t490 = import ./lenovo/thinkpad/t490;
          lenovo-thinkpad-t490s = import ./lenovo/thinkpad/t490s;
          lenovo-thinkpad-t495 = import ./lenovo/thinkpad/t495;
          lenovo-thinkpad-t520 = import ./lenovo/thinkpad/t520;
          lenovo-thinkpad-w520 = import ./lenovo/thinkpad/w520;
          lenovo-thinkpad-t550 = import ./lenovo/thinkpad/t550;
          lenovo-thinkpad-t590 = import ./lenovo/thinkpad/t590;
          lenovo-thinkpad-x1 = import ./lenovo/thinkpad/x1;
          lenovo-thinkpad-x1-yoga = import ./lenovo/thinkpad/x1/yoga;
          lenovo-thinkpad-x1-yoga-7th-gen = import ./lenovo/thinkpad/x1/yoga/7th-gen;
          lenovo-thinkpad-x1-yoga-8th-gen = import ./lenovo/thinkpad/x1/yoga/8th-gen;
          lenovo-thinkpad-x1-2nd-gen = import ./lenovo/thinkpad/x1/2nd-gen;
          lenovo-thinkpad-x1-6th-gen = import ./lenovo/thinkpad/x1/6th-gen;
          lenovo-thinkpad-x1-7th-gen = import ./lenovo/thinkpad/x1/7th-gen;
          lenovo-thinkpad-x1-9th-gen = import ./lenovo/thinkpad/x1/9th-gen;
          lenovo-thinkpad-x1-10th-gen = import ./lenovo/thinkpad/x1/10th-gen;
          lenovo-thinkpad-x1-11th-gen = import ./lenovo/thinkpad/x1/11th-gen;
          lenovo-thinkpad-x1-12th-gen = import ./lenovo/thinkpad/x1/12th-gen;
          lenovo-thinkpad-x1-13th-gen = import ./lenovo/thinkpad/x1/13th-gen;
          lenovo-thinkpad-x1-extreme = import ./lenovo/thinkpad/x1-extreme;
          lenovo-thinkpad-x1-extreme-gen2 = import ./lenovo/thinkpad/x1-extreme/gen2;
          lenovo-thinkpad-x1-extreme-gen3 = import ./lenovo/thinkpad/x1-extreme/gen3;
          lenovo-thinkpad-x1-extreme-gen4 = import ./lenovo/thinkpad/x1-extreme/gen4;
          lenovo-thinkpad-x1-nano = import ./lenovo/thinkpad/x1-nano;
          lenovo-thinkpad-x1-nano-gen1 = import ./lenovo/thinkpad/x1-nano/gen1;
          lenovo-thinkpad-x13-amd = import ./lenovo/thinkpad/x13/amd;
          lenovo-thinkpad-x13-intel = import ./lenovo/thinkpad/x13/intel;
          lenovo-thinkpad-x13-yoga = import ./lenovo/thinkpad/x13/yoga;
          lenovo-thinkpad-x13-yoga-3th-gen = import ./lenovo/thinkpad/x13/yoga/3th-gen;
          lenovo-thinkpad-x13s = import ./lenovo/thinkpad/x13s;
          lenovo-thinkpad-x140e = import ./lenovo/thinkpad/x140e;
          lenovo-thinkpad-x200s = import ./lenovo/thinkpad/x200s;
          lenovo-thinkpad-x220 = import ./lenovo/thinkpad/x220;
          lenovo-thinkpad-x230 = import ./lenovo/thinkpad/x230;
          lenovo-thinkpad-x250 = import ./lenovo/thinkpad/x250;
          lenovo-thinkpad-x260 = import ./lenovo/thinkpad/x260;
          lenovo-thinkpad-x270 = import ./lenovo/thinkpad/x270;
          lenovo-thinkpad-x280 = import ./lenovo/thinkpad/x280;
          lenovo-thinkpad-x390 = import ./lenovo/thinkpad/x390;
          lenovo-thinkpad-z = import ./lenovo/thinkpad/z;
          lenovo-thinkpad-z13-gen1 = import ./lenovo/thinkpad/z/gen1/z13;
          lenovo-thinkpad-z13-gen2 = import ./lenovo/thinkpad/z/gen2/z13;
          lenovo-yoga-6-13ALC6 = import ./lenovo/yoga/6/13ALC6;
          lenovo-yoga-7-14ARH7 = import ./lenovo/yoga/7/14ARH7;
          lenovo-yoga-7-14ARH7-amdgpu = import ./lenovo/yoga/7/14ARH7/amdgpu;
          lenovo-yoga-7-14ARH7-nvidia = import ./lenovo/yoga/7/14ARH7/nvidia;
          lenovo-yoga-7-14IAH7-integrated = import ./lenovo/yoga/7/14IAH7/integrated;
          lenovo-yoga-7-14IAH7-hybrid = import ./lenovo/yoga/7/14IAH7/hybrid;
          lenovo-yoga-7-14ILL10 = import ./lenovo/yoga/7/14ILL10;
          lenovo-yoga-7-slim-gen8 = import ./lenovo/yoga/7/slim/gen8;
          letsnote-cf-lx3 = import ./panasonic/letsnote/cf-lx3;
          letsnote-cf-lx4 = import ./panasonic/letsnote/cf-lx4;
          linglong-nova-studio = import ./linglong/nova-studio;
          malibal-aon-s1-intel = import ./malibal/aon/s1;
          mechrevo-gm5hg0a = import ./mechrevo/GM5HG0A;
          microchip-icicle-kit = import ./microchip/icicle-kit;
          microsoft-surface-go = import ./microsoft/surface/surface-go;
          microsoft-surface-pro-intel = import ./microsoft/surface/surface-pro-intel;
          microsoft-surface-laptop-amd = import ./microsoft/surface/surface-laptop-amd;
          microsoft-surface-common = import ./microsoft/surface/common;
          microsoft-surface-pro-3 = import ./microsoft/surface-pro/3;
          microsoft-surface-pro-9 = import ./microsoft/surface-pro/9;
          milkv-pioneer = import ./milkv/pioneer;
          minisforum-um690 = import ./minisforum/um690;
          minisforum-um690s = import ./minisforum/um690s;
          minisforum-um790-pro = import ./minisforum/um790-pro;
          minisforum-v3 = import ./minisforum/v3;
          mnt-reform-rk3588 = import ./mnt/reform/rk3588;
          morefine-m600 = import ./morefine/m600;
          msi-b350-tomahawk = import ./msi/b350-tomahawk;
          msi-b550-a-pro = import ./msi/b550-a-pro;
          msi-b550-tomahawk = import ./msi/b550-tomahawk;
          msi-gf63 = import ./msi/gf63;
          msi-gs60 = import ./msi/gs60;
          msi-gl62 = import ./msi/gl62;
          msi-gl65-10SDR-492 = import ./msi/gl65/10SDR-492;
          msi-prestige-15-a10sc = import ./msi/prestige/15-a10sc;
          msi-z370-pc-pro = import ./msi/z370-pc-pro;
          nxp-imx8mp-evk = import ./nxp/imx8mp-evk;
          nxp-imx8mq-evk = import ./nxp/imx8mq-evk;
          nxp-imx8qm-mek = import ./nxp/imx8qm-mek;
          nxp-imx93-evk = import ./nxp/imx93-evk;
          ucm-imx95 = import ./compulab/ucm-imx95;
          hardkernel-odroid-hc4 = import ./hardkernel/odroid-hc4;
          hardkernel-odroid-h3 = import ./hardkernel/odroid-h3;
          hardkernel-odroid-h4 = import ./hardkernel/odroid-h4;
          hardkernel-odroid-m1 = import ./hardkernel/odroid-m1;
          omen-14-fb0798ng = import ./omen/14-fb0798ng;
          omen-15-ce002ns = import ./omen/15-ce002ns;
          omen-15-en0010ca = import ./omen/15-en0010ca;
          omen-16-n0005ne = import ./omen/16-n0005ne;
          omen-16-n0280nd = import ./omen/16-n0280nd;
          omen-15-en1007sa = import ./omen/15-en1007sa;
          omen-15-en0002np = import ./omen/15-en0002np;
          onenetbook-4 = import ./onenetbook/4;
          olimex-teres_i = import ./olimex/teres_i;
          pcengines-apu = import ./pcengines/apu;
          pine64-pinebook-pro = import ./pine64/pinebook-pro;
          pine64-rockpro64 = import ./pine64/rockpro64;
          pine64-star64 = import ./pine64/star64;
          protectli-vp4670 = import ./protectli/vp4670;
          purism-librem-13v3 = import ./purism/librem/13v3;
          purism-librem-15v3 = import ./purism/librem/15v3;
          purism-librem-5r4 = import ./purism/librem/5r4;
          razer-blade-14-RZ09-0530 = import ./razer/blade/14/RZ09-0530;
          raspberry-pi-2 = import ./raspberry-pi/2;
          raspberry-pi-3 = import ./raspberry-pi/3;
          raspberry-pi-4 = import ./raspberry-pi/4;
          raspberry-pi-5 = import ./raspberry-pi/5;
          radxa-rock-3c = import ./radxa/rock-3c;
          rock-4c-plus = import ./radxa/rock-4c-plus;
          rock-5b = import ./radxa/rock-5b;
          rock-pi-4 = import ./radxa/rock-pi-4;
          rock-pi-e = import ./radxa/rock-pi-e;
          kobol-helios4 = import ./kobol/helios4;
          samsung-np900x3c = import ./samsung/np900x3c;
          slimbook-hero-rpl-rtx = import ./slimbook/hero/rpl-rtx;
          spacemit-k3-pico-itx = import ./spacemit/k3-pico-itx;
          starfive-visionfive-v1 = import ./starfive/visionfive/v1;
          starfive-visionfive-2 = import ./starfive/visionfive/v2;
          starlabs-starlite-i5 = import ./starlabs/starlite/i5;
          supermicro = import ./supermicro;
          supermicro-a1sri-2758f = import ./supermicro/a1sri-2758f;
          supermicro-m11sdv-8c-ln4f = import ./supermicro/m11sdv-8c-ln4f;
          supermicro-x10sll-f = import ./supermicro/x10sll-f;
          supermicro-x12scz-tln4f = import ./supermicro/x12scz-tln4f;
          system76 = import ./system76;
          system76-gaze18 = import ./system76/gaze18;
          system76-galp5-1650 = import ./system76/galp5-1650;
          system76-darp6 = import ./system76/darp6;
          system76-thelio-mega = import ./system76/thelio-mega;
          system76-galp3 = import ./system76/galp3;
          toshiba-swanky = import ./toshiba/swanky;
          tuxedo-aura-15-gen1 = import ./tuxedo/aura/15/gen1;
          tuxedo-infinitybook-v4 = import ./tuxedo/infinitybook/v4;
          tuxedo-infinitybook-pro14-gen7 = import ./tuxedo/infinitybook/pro14/gen7;
          tuxedo-infinitybook-pro14-gen9-amd = import ./tuxedo/infinitybook/pro14/gen9/amd;
          tuxedo-infinitybook-pro14-gen9-intel = import ./tuxedo/infinitybook/pro14/gen9/intel;
          tuxedo-infinitybook-pro14-gen10-amd = import ./tuxedo/infinitybook/pro14/gen10/amd;
          tuxedo-infinitybook-pro15-gen10-amd = import ./tuxedo/infinitybook/pro15/gen10/amd;
          tuxedo-infinitybook-pro15-gen10-intel = import ./tuxedo/infinitybook/pro15/gen10/intel;
          tuxedo-pulse-14-gen3 = import ./tuxedo/pulse/14/gen3;
          tuxedo-pulse-15-gen2 = import ./tuxedo/pulse/15/gen2;
          xiaomi-redmibook-15-pro-2021 = import ./xiaomi/redmibook/15-pro-2021;
          xiaomi-redmibook-16-pro-2024 = import ./xiaomi/redmibook/16-pro-2024;

          common-cpu-amd = import ./common/cpu/amd;
          common-cpu-amd-pstate = import ./common/cpu/amd/pstate.nix;
          common-cpu-amd-zenpower = import ./common/cpu/amd/zenpower.nix;
          common-cpu-amd-raphael-igpu = import ./common/cpu/amd/raphael/igpu.nix;
          common-cpu-intel = import ./common/cpu/intel;
          common-gpu-intel-comet-lake = deprecated "992" "common-gpu-intel-comet-lake" (
            import ./common/gpu/intel/comet-lake
          );
          common-cpu-intel-cpu-only = import ./common/cpu/intel/cpu-only.nix;
          common-gpu-intel-kaby-lake = deprecated "992" "common-gpu-intel-kaby-lake" (
            import ./common/gpu/intel/kaby-lake
          );
          common-gpu-intel-sandy-bridge = deprecated "992" "common-gpu-intel-sandy-bridge" (
            import ./common/gpu/intel/sandy-bridge
          );
          common-gpu-amd = import ./common/gpu/amd;
          common-gpu-amd-sea-islands = import ./common/gpu/amd/sea-islands;
          common-gpu-amd-southern-islands = import ./common/gpu/amd/southern-islands;
          common-gpu-intel = import ./common/gpu/intel;
          common-gpu-intel-disable = import ./common/gpu/intel/disable.nix;
          common-gpu-nvidia = import ./common/gpu/nvidia/prime.nix;
          common-gpu-nvidia-sync = import ./common/gpu/nvidia/prime-sync.nix;
          common-gpu-nvidia-nonprime = import ./common/gpu/nvidia;
          common-gpu-nvidia-disable = import ./common/gpu/nvidia/disable.nix;
          common-hidpi = import ./common/hidpi.nix;
          common-networking-intel-x550 = import ./common/networking/intel/x550;
          common-pc = import ./common/pc;
          common-pc-hdd = import ./common/pc/hdd;
          common-pc-laptop = import ./common/pc/laptop;
          common-pc-laptop-acpi_call = throw "common-pc-laptop-acpi_call has been removed because it is obsolete: https://github.com/NixOS/nixos-hardware/issues/1114";
          common-pc-laptop-hdd = import ./common/pc/laptop/hdd;
          common-pc-laptop-ssd = import ./common/pc/ssd;
          common-pc-ssd = import ./common/pc/ssd;
        };

      # Add formatter for `nix fmt`
      formatter = eachSystemFormat (
        pkgs: _system:
        (privateInputs.treefmt-nix.lib.evalModule pkgs ./tests/treefmt.nix).config.build.wrapper
      );

      # Add packages
      packages = eachSystem (
        pkgs: system:
        {
          run-tests = pkgs.callPackage ./tests/run-tests.nix {
            inherit self;
          };

          mnt-reform-kernel-patches = pkgs.callPackage ./mnt/reform/updateKernelPatches.nix { };
        }
        // pkgs.lib.optionalAttrs (system == "aarch64-linux") {
          # Boot images for NXP i.MX boards (aarch64-linux only)
          ucm-imx95-boot = (pkgs.callPackage ./compulab/ucm-imx95/bsp/ucm-imx95-boot.nix { }).imx95-boot;
          imx93-boot = (pkgs.callPackage ./nxp/imx93-evk/bsp/imx93-boot.nix { }).imx93-boot;
          imx8mp-boot = (pkgs.callPackage ./nxp/imx8mp-evk/bsp/imx8mp-boot.nix { }).imx8m-boot;
          imx8mq-boot = (pkgs.callPackage ./nxp/imx8mq-evk/bsp/imx8mq-boot.nix { }).imx8m-boot;
          purism-librem-5r4-uboot = pkgs.callPackage ./purism/librem/5r4/u-boot { };
          # Raspberry Pi kernels (aarch64-linux only)
          rpi2-kernel = (pkgs.callPackage ./raspberry-pi/common/kernel.nix { rpiVersion = 2; });
          rpi3-kernel = (pkgs.callPackage ./raspberry-pi/common/kernel.nix { rpiVersion = 3; });
          rpi4-kernel = (pkgs.callPackage ./raspberry-pi/common/kernel.nix { rpiVersion = 4; });
          rpi5-kernel = (pkgs.callPackage ./raspberry-pi/common/kernel.nix { rpiVersion = 5; });
        }
      );

      # Hydra jobset for Raspberry Pi kernels
      hydraJobs = {
        raspberry-pi-kernels = eachSystem (
          pkgs: system:
          pkgs.lib.optionalAttrs (system == "aarch64-linux") {
            inherit (self.packages.${system})
              rpi2-kernel
              rpi3-kernel
              rpi4-kernel
              rpi5-kernel
              ;
          }
        );
      };

      # Add checks for `nix run .#run-tests`
      checks = eachSystem (
        pkgs: system:
        let
          treefmtEval = privateInputs.treefmt-nix.lib.evalModule pkgs ./tests/treefmt.nix;
          nixosTests = import ./tests/nixos-tests.nix {
            inherit
              self
              privateInputs
              system
              pkgs
              ;
          };
        in
        pkgs.lib.optionalAttrs (self.formatter ? ${system}) {
          formatting = treefmtEval.config.build.check self;
        }
        // {
          raspberry-pi-config-txt = pkgs.callPackage ./tests/config-txt-tests.nix { };
        }
        // nixosTests
      );
    };
}
