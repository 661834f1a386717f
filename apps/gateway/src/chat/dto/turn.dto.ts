import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class TurnDto {
  @ApiProperty({
    description:
      'What the customer said (at most 2000 characters). Control and format characters are stripped; ' +
      'a text of nothing else, like a blank one, is refused.',
    example: '这个多少钱？',
  })
  @IsString()
  @MaxLength(2000)
  // Something besides whitespace, controls, format characters and lone surrogates (withoutSilent).
  @Matches(/[^\s\p{Cc}\p{Cf}\p{Cs}]/u, { message: 'text must not be blank' })
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
