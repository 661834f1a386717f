import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class TurnDto {
  @ApiProperty({ description: 'What the customer said (at most 2000 characters).', example: '这个多少钱？' })
  @IsString()
  @MaxLength(2000)
  @Matches(/\S/, { message: 'text must not be blank' })
  text!: string;
}

export class EndConversationDto {
  @ApiProperty({
    description: 'Why the conversation ended (default "client").',
    required: false,
    example: 'customer hung up',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason?: string;
}
