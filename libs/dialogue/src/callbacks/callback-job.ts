/** Payload of a scheduled callback (what the dialer receives, plus routing fields). */
export interface CallbackJob {
  conversationId: string;
  campaignId: string;
  /**
   * E.164; the dialer needs it to call back. Absent when the conversation was started without one
   * (a chat, a dialer event without a caller): the callback is still delivered, by conversation id.
   */
  phone?: string;
  customerName?: string;
  /** ISO time the customer asked to be called. */
  dueAt: string;
  /** IANA zone the customer's words were read in (the campaign's `timeZone`, else the process's). */
  timeZone: string;
  /** The words that set the time ("明天下午"), or undefined when the default delay was used. */
  requested?: string;
  reason: 'busy_call_later';
  turn: number;
}
