; Inno Setup script: SellerDesk-Setup-<version>.exe. Per-user install (no admin, and it stays per-user), Windows 10
; or later on x64 only, a clean upgrade (the old _internal folder is removed first), Start-menu entry, and an
; uninstaller that keeps the seller's data unless they tick the box to remove it (silent: /DELETEDATA=1).
; Run by installers/build.py --installer:
;   iscc /DAppVersion=X /DSourceDir=dist\SellerDesk /DOutputDir=dist [/DSign "/Ssellerdesk=signtool sign … $f"] sellerdesk.iss

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B1E4C8A-2F7D-4B8E-9C35-5E0D8A1F7C21}
AppName=SellerDesk
AppVersion={#AppVersion}
AppPublisher=SellerDesk
; Per-user, never elevated: {autopf} is %LOCALAPPDATA%\Programs here, and the data the uninstaller may remove is
; this user's, not an administrator's.
PrivilegesRequired=lowest
DefaultDirName={autopf}\SellerDesk
DefaultGroupName=SellerDesk
DisableProgramGroupPage=yes
; PySide6 6.11 and the bundled Python need Windows 10 or later on x64 (or Arm64 with x64 emulation).
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=SellerDesk-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\SellerDesk.exe
SetupIconFile=..\..\build\icons\sellerdesk.ico
CloseApplications=yes
#ifdef Sign
; The "sellerdesk" sign tool is defined on the iscc command line (/Ssellerdesk=signtool sign … $f) by build.py from
; the WINDOWS_CERTIFICATE secrets; the installer and the uninstaller are signed with it.
SignTool=sellerdesk
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade must not keep the previous version's DLLs, Python modules and Qt plugins beside the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\SellerDesk"; Filename: "{app}\SellerDesk.exe"
Name: "{autodesktop}\SellerDesk"; Filename: "{app}\SellerDesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\SellerDesk.exe"; Description: "{cm:LaunchProgram,SellerDesk}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop background posting first: it removes the login entry (HKCU Run value) and ends the runner.
Filename: "{app}\sellerdesk-cli.exe"; Parameters: "background off"; Flags: runhidden waituntilterminated; RunOnceId: "BackgroundOff"

[Code]
var
  RemoveData: Boolean;

function DataDir(): String;
begin
  Result := ExpandConstant('{localappdata}\SellerDesk');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Code: Integer;
begin
  if CurUninstallStep = usUninstall then
  begin
    if UninstallSilent() then
      { A silent uninstall never asks: data is removed only when asked for on the command line. }
      RemoveData := ExpandConstant('{param:DELETEDATA|0}') = '1'
    else
      RemoveData := MsgBox('Also delete your SellerDesk data (products, photos, sales) and its keychain entries ' +
        'from this computer?' + #13#10 + 'Choose No to keep it for a later reinstall.',
        mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
    if RemoveData then
    begin
      { While the program is still here: it removes this folder's entries from Windows Credential Manager. }
      Exec(ExpandConstant('{app}\sellerdesk-cli.exe'), 'data delete-all --yes', '', SW_HIDE, ewWaitUntilTerminated, Code);
      Exec(ExpandConstant('{app}\sellerdesk-cli.exe'), 'data purge --now', '', SW_HIDE, ewWaitUntilTerminated, Code);
    end;
  end;
  if (CurUninstallStep = usPostUninstall) and RemoveData then
    DelTree(DataDir(), True, True, True);
end;
