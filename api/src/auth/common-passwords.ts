// Frequent leaked passwords of 10+ characters (the policy's minimum), lower-cased.
// A small list on purpose: it stops the obvious, the length rule does the rest.
export const COMMON_PASSWORDS = new Set([
  '1234567890', '12345678910', '0123456789', '0987654321', '1111111111', '0000000000', '1234512345',
  '123456789a', 'a123456789', '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop', 'asdfghjkl;', 'zaq12wsxcde3',
  'qwerty1234', 'qwerty12345', 'qwerty123456', 'password12', 'password123', 'password1234', 'password!',
  'password01', 'passw0rd123', 'p@ssw0rd123', 'p@ssword123', 'iloveyou12', 'iloveyou123', 'princess12',
  'sunshine12', 'football12', 'baseball12', 'superman12', 'letmein123', 'welcome123', 'welcome1234',
  'admin12345', 'administrator', 'changeme123', 'trustno1234', 'monkey1234', 'dragon1234', 'master1234',
  'abc1234567', 'abcdefghij', 'abcd123456', 'aaaaaaaaaa', 'qwertyqwerty', 'starwars12', 'whatever12',
  'computer12', 'internet12', 'michael123', 'jennifer12', 'blink18218', 'pokemon123', 'liverpool1',
  'chocolate1', 'basketball', 'football1', 'michelle12', 'charlie123', 'samsung123', 'google1234',
  'myspace123', 'zxcvbnm123', 'zxcvbnm,./', 'qazwsxedc123', 'q1w2e3r4t5', 'q1w2e3r4t5y6', '1q2w3e4r5t6y',
  'asdf123456', 'asdfasdfasdf', 'passwordpassword', 'blogpassword', 'demo-password', 'secret1234',
]);
