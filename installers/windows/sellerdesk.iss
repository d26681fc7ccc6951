; Inno Setup script: SellerDesk-Setup-<version>.exe. Per-user install (no admin), Start-menu entry,
; an uninstaller that keeps the seller's data unless they tick the box to remove it.
; Run by installers/build.py --installer:  iscc /DAppVersion=X /DSourceDir=dist\SellerDesk /DOutputDir=dist sellerdesk.iss

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B1E4C8A-2F7D-4B8E-9C35-5E0D8A1F7C21}
AppName=SellerDesk
AppVersion={#AppVersion}
AppPublisher=SellerDesk
DefaultDirName={localappdata}\Programs\SellerDesk
DefaultGroupName=SellerDesk
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir={#OutputDir}
OutputBaseFilename=SellerDesk-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\SellerDesk.exe
SetupIconFile=..\..\build\icons\sellerdesk.ico
; Code signing: set SIGNTOOL (e.g. "signtool sign /f cert.pfx /p $PASSWORD /tr http://timestamp.digicert.com /td sha256 /fd sha256 $f")
; in the environment and pass /SSellerDeskSign="..." to iscc; without it the installer is unsigned.

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\SellerDesk"; Filename: "{app}\SellerDesk.exe"
Name: "{group}\Uninstall SellerDesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\SellerDesk"; Filename: "{app}\SellerDesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\SellerDesk.exe"; Description: "{cm:LaunchProgram,SellerDesk}"; Flags: nowait postinstall skipifsilent

[Code]
var
  RemoveData: Boolean;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usUninstall then
    RemoveData := MsgBox('Also delete your SellerDesk data (products, photos, sales) from this computer?' + #13#10 +
      'Choose No to keep it for a later reinstall.', mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if (CurUninstallStep = usPostUninstall) and RemoveData then
    DelTree(ExpandConstant('{localappdata}\SellerDesk'), True, True, True);
end;
