// Deterministic Chinese names for demo students.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '子涵梓轩浩然一诺欣怡宇航思远雨桐佳怡俊熙诗琪明哲晨曦嘉懿语嫣博文若曦天佑梦瑶铭泽可馨家豪雅静皓轩紫萱承泽欣妍宏伟淑敏';

export function demoName(n: number): string {
  const s = SURNAMES[(n * 7919) % SURNAMES.length];
  const a = GIVEN[(n * 104729) % GIVEN.length];
  const b = GIVEN[(n * 1299709 + 3) % GIVEN.length];
  return n % 3 === 0 ? s + a : s + a + b;
}
