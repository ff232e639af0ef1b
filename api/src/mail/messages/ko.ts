import type { Messages } from './en.js';

/** The API's mails in Korean (SITE_LOCALE=ko), in the polite register Korean services write mail in. */
export const ko: Messages = {
  greeting: '{name}님, 안녕하세요.',
  greetingNoName: '안녕하세요.',

  codeIs: '코드는 다음과 같습니다.',
  codeExpires: '이 코드는 {minutes} 후에 만료되며 한 번만 사용할 수 있습니다.',
  verifySubject: '[{siteName}] 인증 코드: {code}',
  verifyPurpose: '가입해 주셔서 감사합니다! 댓글을 작성하시려면 이메일 주소를 인증해 주세요.',
  verifyIgnore: '가입하신 적이 없다면 이 메일을 무시하셔도 됩니다. 코드가 없으면 아무 일도 일어나지 않습니다.',
  resetSubject: '[{siteName}] 비밀번호 재설정 코드: {code}',
  resetPurpose: '비밀번호 재설정 요청이 접수되었습니다.',
  resetIgnore: '본인이 요청하지 않았다면 이 메일을 무시하셔도 됩니다. 비밀번호는 그대로 유지됩니다.',
  changeSubject: '[{siteName}] 이메일 주소 확인 코드: {code}',
  changePurpose: '이 주소를 계정의 이메일 주소로 사용하겠다는 요청이 접수되었습니다.',
  changeIgnore: '본인이 요청하지 않았다면 이 메일을 무시하셔도 됩니다. 코드가 없으면 아무것도 바뀌지 않습니다.',

  changedSubject: '[{siteName}] 이메일 주소가 변경되었습니다',
  changedBody:
    '{siteName} 계정의 이메일 주소가 {newEmail} 주소로 변경되었습니다. 이제 로그인과 메일 수신에는 새 주소가 사용됩니다.',
  changedIfNot:
    '본인이 변경하지 않았다면 비밀번호를 아는 누군가가 계정에 접근했을 수 있습니다. 이 블로그의 운영자에게 연락해 주세요.',

  listSubject: '[{siteName}] {subject}',
  unsubscribeText: '클릭 한 번으로 수신을 거부할 수 있습니다: {url}',
  unsubscribeLink: '수신 거부',
  whyPost: '이 글의 새 댓글 알림을 신청하셔서 이 메일을 보내 드립니다.',
  whyReplies: '회원님의 댓글에 답글이 달려 이 메일을 보내 드립니다.',
  whyModeration: '관리하시는 글에 승인을 기다리는 댓글이 있어 이 메일을 보내 드립니다.',
  whySite: '새 글 소식을 구독하셔서 이 메일을 보내 드립니다.',
  // Korean does not inflect for number (Intl.PluralRules('ko-KR') always says `other`).
  digestReplies_one: '내 댓글에 새 답글 {count}개',
  digestReplies_other: '내 댓글에 새 답글 {count}개',
  digestModeration_one: '승인을 기다리는 댓글 {count}개',
  digestModeration_other: '승인을 기다리는 댓글 {count}개',
  digestPost_one: '“{title}”에 새 댓글 {count}개',
  digestPost_other: '“{title}”에 새 댓글 {count}개',
  digestItem: '{author}님이 “{postTitle}”에 남긴 댓글:',
  digestItemLink: '{author}님이 {postTitle}에 남긴 댓글:',
  newsletterRead: '글 읽기: {url}',
  newsletterReadLink: '글 읽으러 가기',

  confirmSubject: '[{siteName}] 구독을 확인해 주세요',
  confirmAsk: '{siteName}의 새 글을 메일로 받아 보시려면 구독을 확인해 주세요.',
  confirmLink: '구독 확인하기',
  confirmTtl: '이 링크는 {days} 동안 유효합니다.',
  confirmIgnore: '신청하신 적이 없다면 이 메일을 무시하셔도 됩니다. 링크를 누르지 않으면 아무 메일도 보내지 않습니다.',
};
