import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ADMIN_ROLES, type AdminRole } from '@huashu/config';
import { AdminRoles, Principal, type AdminPrincipal } from '../auth/index.js';

class AdminPrincipalDto {
  @ApiProperty({ description: 'The role of the key', enum: ADMIN_ROLES })
  role!: AdminRole;
  @ApiProperty({
    description: 'A non-secret label of the key: its position in ADMIN_API_KEYS and its role',
    example: 'key1:admin',
  })
  keyId!: string;
}

@ApiTags('admin')
@Controller('v1/admin/whoami')
@AdminRoles('viewer')
export class WhoamiController {
  @Get()
  @ApiOperation({ summary: 'The role of the presented API key (never the key itself).' })
  @ApiOkResponse({ type: AdminPrincipalDto })
  whoami(@Principal() principal: AdminPrincipal): AdminPrincipal {
    return principal;
  }
}
