import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRoles, Principal, type AdminPrincipal } from '../auth/index.js';

@ApiTags('admin')
@Controller('v1/admin/whoami')
@AdminRoles('viewer')
export class WhoamiController {
  @Get()
  @ApiOperation({ summary: 'The role of the presented API key (never the key itself).' })
  whoami(@Principal() principal: AdminPrincipal): AdminPrincipal {
    return principal;
  }
}
