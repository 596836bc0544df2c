import { describe, expect, it } from 'vitest';
import { checkSignUp, type SignUpForm, signUpDetails } from './sign-up-rules';

const today = '2026-11-22';
const valid: SignUpForm = {
  fullName: 'Nguyễn Thị Lan',
  phone: '0912 345 678',
  email: '',
  cccd: '',
};

describe('checkSignUp', () => {
  it('accepts a name and a mobile number alone', () => {
    expect(checkSignUp(valid, today)).toEqual({});
  });

  it('requires the name and the phone', () => {
    expect(checkSignUp({ ...valid, fullName: '  ', phone: '' }, today)).toEqual({
      fullName: 'required',
      phone: 'required',
    });
  });

  it.each(['0212345678', '091234567', '+1 415 555 0100'])('refuses the phone %j', (phone) => {
    expect(checkSignUp({ ...valid, phone }, today)).toEqual({ phone: 'phone' });
  });

  it('refuses an email without a domain', () => {
    expect(checkSignUp({ ...valid, email: 'lan@' }, today)).toEqual({ email: 'email' });
  });

  it.each([
    ['07922700123', 'cccd_format'],
    ['099227001234', 'cccd_province'],
    ['079427001234', 'cccd_century'],
    ['079227001234', 'cccd_century'], // born in 2027
  ])('refuses the CCCD %j with %s', (cccd, code) => {
    expect(checkSignUp({ ...valid, cccd }, today)).toEqual({ cccd: code });
  });

  it('accepts a CCCD written in groups', () => {
    expect(checkSignUp({ ...valid, cccd: '079 199 001 234' }, today)).toEqual({});
  });
});

describe('signUpDetails', () => {
  it('normalizes the phone and leaves out blank optional fields', () => {
    const form = { ...valid, fullName: ' Nguyễn  Thị Lan ', phone: '+84 912 345 678' };
    expect(signUpDetails(form)).toEqual({ fullName: 'Nguyễn Thị Lan', phone: '0912345678' });
  });

  it('sends the CCCD without spaces and the email trimmed', () => {
    const form = { ...valid, email: ' lan@example.vn ', cccd: '079 199 001 234' };
    expect(signUpDetails(form)).toMatchObject({ email: 'lan@example.vn', cccd: '079199001234' });
  });
});
