// Multi-image dependencies are never checked: an image whose dependency is unmet is installed (F-34).
import { ReferenceBootloader } from '../../emulator/boot/index.ts';

export default class DependenciesIgnored extends ReferenceBootloader {
  override readonly name = 'dependencies-ignored';
  protected override dependenciesMet(): boolean {
    return true;
  }
}
