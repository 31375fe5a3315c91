@echo off
rem The `looplab` command of an installed Looplab (Windows): runs the CLI the app carries
rem (app.asar\out\cli-dist\main.mjs) with the app's own Electron binary acting as Node.
rem This file is in <install>\resources\resources\bin; Looplab.exe is in <install>.
setlocal
set "ELECTRON_RUN_AS_NODE=1"
"%~dp0..\..\..\Looplab.exe" "%~dp0..\..\app.asar\out\cli-dist\main.mjs" %*
exit /b %ERRORLEVEL%
