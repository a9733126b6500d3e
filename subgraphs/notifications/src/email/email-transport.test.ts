import { outcomeOfSmtpError } from './email-transport';

describe('what an SMTP failure means for a delivery', () => {
  it('bounces a recipient the server refuses for good', () => {
    expect(outcomeOfSmtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' })).toEqual({
      status: 'bounced',
      reason: '550 5.1.1 no such user',
    });
  });

  it('fails a message the server refuses for good for another reason than the recipient', () => {
    expect(outcomeOfSmtpError({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 message rejected as spam' })).toEqual({
      status: 'failed',
      reason: '554 5.7.1 message rejected as spam',
    });
  });

  it('retries temporary answers, a confused session, a failed login and a lost connection', () => {
    expect(outcomeOfSmtpError({ responseCode: 451, command: 'RCPT TO', response: '451 4.7.1 greylisted' })).toMatchObject({ status: 'retry' });
    expect(outcomeOfSmtpError({ responseCode: 503, command: 'RCPT TO', response: '503 5.5.1 bad sequence' })).toMatchObject({ status: 'retry' });
    expect(outcomeOfSmtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 bad credentials' })).toEqual({
      status: 'retry',
      reason: '535 5.7.8 bad credentials',
    });
    expect(outcomeOfSmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }))).toEqual({
      status: 'retry',
      reason: 'connect ECONNREFUSED 127.0.0.1:25',
    });
  });

  it('keeps a long answer short enough to store', () => {
    const outcome = outcomeOfSmtpError({ responseCode: 550, command: 'RCPT TO', response: `550 ${'x'.repeat(5000)}` });
    expect(outcome.status === 'bounced' && outcome.reason.length).toBe(500);
  });
});
