// Saves an exported run as a file the browser downloads (in Electron, the save dialog).
import type { ExportedRun } from '../../shared/contract';

export function exportBlob(exported: ExportedRun): Blob {
  const binary = atob(exported.base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return new Blob([bytes], { type: exported.contentType });
}

export function saveExport(exported: ExportedRun): void {
  const url = URL.createObjectURL(exportBlob(exported));
  const link = document.createElement('a');
  link.href = url;
  link.download = exported.fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
