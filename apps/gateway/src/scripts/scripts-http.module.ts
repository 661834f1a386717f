import { Module } from '@nestjs/common';
import { ScriptsModule } from '@huashu/scripts';
import { AdminAuthGuard } from '../auth/index.js';
import { ScriptsController } from './scripts.controller.js';

/** /v1/admin/scripts/*: library CRUD, import/export, publish/rollback, versions, match, threshold sweep. */
@Module({ imports: [ScriptsModule], controllers: [ScriptsController], providers: [AdminAuthGuard] })
export class ScriptsHttpModule {}
