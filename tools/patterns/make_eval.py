#!/usr/bin/env python3
"""Synthetic evaluation set for zhner's pattern recognizers (docs/PRIVACY.md).

Writes Tests/NERCoreTests/Fixtures/patterns/eval.tsv: Chinese sentences from templates, filled with
real-looking values of every pattern type, valid ones tagged with their type and invalid ones
(wrong check digits, impossible dates, numbers inside longer digit runs, phone-like order numbers)
tagged INVALID, so the Swift test can check that none of them is reported; and sentences whose
numbers, codes and units are none of the types (all O). BIO per character,
`char<TAB>tag`, a blank line between sentences: the format `zhner eval --format bio` reads
(pass `--map` to drop INVALID there).

Deterministic (seeded), standard library only. The check algorithms below are written from the
standards independently of the Swift code, so the test checks one against the other.
Usage: python3 tools/patterns/make_eval.py [--out PATH] [--per-type N]
"""
import argparse
import datetime
import os
import random

PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
CN_DIGITS = "〇一二三四五六七八九"
THIS_YEAR = datetime.date.today().year


# --- check algorithms (GB 11643 / ISO 7064, Luhn, GB 32100) ------------------------------------

def id_check(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]  # 2^(17-i) mod 11, tabulated
    s = sum(int(c) * w for c, w in zip(first17, weights))
    return "10X98765432"[s % 11]


def luhn_ok(digits):
    total = 0
    for k, c in enumerate(reversed(digits)):
        d = int(c) * (2 if k % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def luhn_complete(prefix):
    for c in "0123456789":
        if luhn_ok(prefix + c):
            return prefix + c


def uscc_check(first17):
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, weights))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def real_date(y, m, d):
    try:
        datetime.date(y, m, d)
        return True
    except ValueError:
        return False


def valid_id(s):
    if len(s) != 18 or not s[:17].isdigit() or int(s[:2]) not in PROVINCES:
        return False
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    return 1900 <= y <= THIS_YEAR and real_date(y, m, d) and s[17].upper() == id_check(s[:17])


def valid_card(s):
    return s.isdigit() and 16 <= len(s) <= 19 and s[0] in "3456" and luhn_ok(s)


def valid_uscc(s):
    return (len(s) == 18 and all(c in USCC_ALPHABET for c in s) and s[2:8].isdigit()
            and int(s[2:4]) in PROVINCES and uscc_check(s[:17]) == s[17])


def recognised_digit_run(s):
    """Whether any validating recognizer would accept the run (invalid values must not be)."""
    return valid_id(s) or valid_card(s) or valid_uscc(s)


# --- value makers: each returns (text, type) ----------------------------------------------------

class Maker:
    def __init__(self, rng):
        self.r = rng

    def digits(self, n):
        return "".join(self.r.choice("0123456789") for _ in range(n))

    def full_width(self, s):
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)

    def maybe_full_width(self, s, p=0.1):
        return self.full_width(s) if self.r.random() < p else s

    def birth(self):
        while True:
            y, m, d = self.r.randint(1940, 2012), self.r.randint(1, 12), self.r.randint(1, 31)
            if real_date(y, m, d):
                return y, m, d

    # PHONE
    def mobile_digits(self):
        return "1" + self.r.choice("3456789") + self.digits(9)

    def phone(self):
        r = self.r
        kind = r.random()
        if kind < 0.55:
            m = self.mobile_digits()
            form = r.choice(["plain", "plain", "dash", "plus", "plus_dash", "0086", "paren", "ideo"])
            m = {"plain": m, "dash": f"{m[:3]}-{m[3:7]}-{m[7:]}", "plus": "+86" + m, "plus_dash": f"+86-{m}",
                 "0086": "0086" + m, "paren": f"(+86){m}", "ideo": f"{m[:3]}\u3000{m[3:7]}\u3000{m[7:]}"}[form]
            return self.maybe_full_width(m)
        area = r.choice(["010", "021", "022", "023", "020", "025", "0755", "0571", "0512", "0931", "0871"])
        local = r.choice("23456789") + self.digits(r.choice([6, 7]))
        return f"({area}){local}" if r.random() < 0.2 else f"{area}-{local}"

    def email(self):
        r = self.r
        user = r.choice(["zhangsan", "li.ming", "wangfang88", "chen_jie", "liu-yang", "zhao.lei2020", "hr", "service"])
        if r.random() < 0.3:
            user += str(r.randint(1, 9999))
        domain = r.choice(["qq.com", "163.com", "126.com", "gmail.com", "sina.com.cn", "example.cn", "pku.edu.cn",
                           "company-mail.com", "foxmail.com"])
        return self.maybe_full_width(f"{user}@{domain}", 0.05)

    def url(self):
        r = self.r
        host = r.choice(["www.baidu.com", "news.sina.com.cn", "www.gov.cn", "github.com", "www.example.com",
                         "mp.weixin.qq.com", "shop.jd.com"])
        path = r.choice(["", "/", "/index.html", "/s?wd=zhner", f"/item/{r.randint(1000, 99999)}.html",
                         "/a/b/c?id=42&lang=zh", "/2015/03/05/news.shtml"])
        scheme = r.choice(["https://", "http://", "https://", ""])
        if not scheme and not host.startswith("www."):
            scheme = "https://"
        return scheme + host + path

    def ip(self):
        r = self.r
        if r.random() < 0.75:
            return ".".join(str(r.choice([r.randint(0, 255), r.randint(1, 9), r.randint(10, 99)])) for _ in range(4))
        groups = [format(r.randint(0, 0xFFFF), "x") for _ in range(8)]
        form = r.choice(["full", "zero", "link"])
        if form == "full":
            return ":".join(groups)
        if form == "zero":
            return "2001:db8::" + groups[7]
        return "fe80::" + ":".join(groups[4:])

    def id_card(self):
        r = self.r
        y, m, d = self.birth()
        if r.random() < 0.1 and y < 2000:  # legacy 15-digit numbers only carry 19yy
            head = f"{r.choice([p for p in PROVINCES if p < 71])}{r.randint(1, 40):02d}{r.randint(1, 30):02d}"
            return f"{head}{y % 100:02d}{m:02d}{d:02d}{self.digits(3)}"
        first17 = f"{r.choice(PROVINCES)}{r.randint(1, 40):02d}{r.randint(1, 30):02d}{y:04d}{m:02d}{d:02d}{self.digits(3)}"
        return self.maybe_full_width(first17 + id_check(first17), 0.05)

    def bank_card(self):
        r = self.r
        length = r.choice([16, 16, 19])
        prefix = r.choice(["622202", "622848", "621700", "436742", "518710", "625965"])
        n = luhn_complete(prefix + self.digits(length - len(prefix) - 1))
        if r.random() < 0.25:
            sep = r.choice(["-", "\u3000"])
            n = sep.join(n[k:k + 4] for k in range(0, len(n), 4))
        return n

    def passport(self):
        r = self.r
        if r.random() < 0.5:
            return r.choice("EG") + self.digits(8)
        return "E" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)

    def plate(self):
        r = self.r
        p, office = r.choice(PLATE_PROVINCES), r.choice(PLATE_LETTERS.replace("I", ""))
        sep = r.choice(["", "", "", "·"])
        kind = r.random()
        if kind < 0.6:
            body = self.digits(5)
            if r.random() < 0.4:
                body = r.choice(PLATE_LETTERS.replace("O", "")) + self.digits(4)
        elif kind < 0.85:
            body = r.choice("DF") + r.choice(PLATE_LETTERS.replace("O", "") + "0123456789") + self.digits(4)
        else:
            body = self.digits(5) + r.choice("DF")
        return f"{p}{office}{sep}{body}"

    def uscc(self):
        r = self.r
        first17 = (r.choice("159Y") + r.choice("1239") + f"{r.choice(PROVINCES)}{self.digits(4)}"
                   + "".join(r.choice(USCC_ALPHABET) for _ in range(9)))
        return first17 + uscc_check(first17)

    def cn_number(self, n):
        """Chinese numerals for 0 < n < 100 000 000 (as written in dates, times and amounts)."""
        if n == 0:
            return "零"
        out, zero = "", False
        for unit, name in [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]:
            q, n = divmod(n, unit)
            if unit == 10000 and q:
                out += self.cn_number(q) + "万"
                continue
            if q:
                if zero and out:
                    out += "零"
                out += ("" if (name == "十" and q == 1 and not out) else CN_DIGITS[q]) + name
                zero = False
            elif out:
                zero = True
        return out

    def date(self):
        r = self.r
        y, m, d = self.r.randint(1950, 2030), r.randint(1, 12), r.randint(1, 28)
        form = r.choice(["ymd", "ymd", "ym", "y", "md", "iso", "slash", "cn_ymd", "cn_md"])
        return {"ymd": f"{y}年{m}月{d}日", "ym": f"{y}年{m}月", "y": f"{y}年", "md": f"{m}月{d}日",
                "iso": f"{y}-{m:02d}-{d:02d}", "slash": f"{y}/{m}/{d}",
                "cn_ymd": "".join(CN_DIGITS[int(c)] for c in str(y)) + f"年{self.cn_number(m)}月{self.cn_number(d)}日",
                "cn_md": f"{self.cn_number(m)}月{self.cn_number(d)}号"}[form]

    def time(self):
        r = self.r
        h, mi = r.randint(0, 23), r.randint(0, 59)
        period = r.choice(["上午", "下午", "晚上", "凌晨", "早上", "中午"])
        h12 = r.randint(1, 12)
        form = r.choice(["colon", "colon_s", "cn_half", "cn_period", "cn_min", "shi", "arabic_period"])
        return {"colon": f"{h}:{mi:02d}", "colon_s": f"{h:02d}:{mi:02d}:{r.randint(0, 59):02d}",
                "cn_half": f"{period}{self.cn_number(h12)}点半", "cn_period": f"{period}{self.cn_number(h12)}点",
                "cn_min": f"{self.cn_number(h12)}点{self.cn_number(r.randint(10, 59))}分",
                "shi": f"{h}时{mi}分", "arabic_period": f"{period}{h12}点"}[form]

    def money(self):
        r = self.r
        form = r.choice(["yuan", "scaled", "sign", "comma_sign", "dollar", "cn", "cn_scaled"])
        return {"yuan": f"{r.randint(1, 99999)}元", "scaled": f"{r.randint(1, 999)}{r.choice(['万', '亿', '千万'])}元",
                "sign": f"¥{r.randint(1, 9999)}", "comma_sign": f"￥{r.randint(1, 999)},{r.randint(0, 999):03d}",
                "dollar": f"{r.randint(1, 500)}.{r.randint(0, 9)}亿美元", "cn": f"{self.cn_number(r.randint(1, 9999))}元",
                "cn_scaled": f"{self.cn_number(r.randint(1, 99))}{r.choice(['万', '亿'])}元"}[form]

    def percent(self):
        r = self.r
        form = r.choice(["sign", "decimal", "cn", "cn_point", "fw"])
        return {"sign": f"{r.randint(1, 100)}%", "decimal": f"{r.randint(0, 99)}.{r.randint(1, 9)}%",
                "cn": f"百分之{self.cn_number(r.randint(1, 100))}",
                "cn_point": f"百分之{self.cn_number(r.randint(1, 99))}点{CN_DIGITS[r.randint(1, 9)]}",
                "fw": f"{r.randint(1, 99)}％"}[form]

    # --- invalid values: each must be refused by every recognizer -------------------------------

    def bad_id(self):
        r = self.r
        while True:
            y, m, d = self.birth()
            kind = r.choice(["check", "date", "province", "random"])
            if kind == "date":
                y, m, d = r.choice([(1999, 2, 29), (2001, 2, 29), (1990, 2, 30), (1985, 13, 1), (1970, 4, 31), (1988, 0, 12)])
            province = r.choice([10, 19, 20, 38, 49, 66, 90]) if kind == "province" else r.choice(PROVINCES)
            first17 = f"{province}{r.randint(1, 40):02d}{r.randint(1, 30):02d}{y:04d}{m:02d}{d:02d}{self.digits(3)}"
            check = id_check(first17)
            if kind == "check":
                check = r.choice([c for c in "0123456789X" if c != check])
            s = self.digits(18) if kind == "random" else first17 + check
            if not recognised_digit_run(s):
                return s

    def bad_card(self):
        while True:
            s = self.r.choice(["622202", "436742"]) + self.digits(self.r.choice([10, 13]))
            if not recognised_digit_run(s):
                return s

    def bad_uscc(self):
        while True:
            good = self.uscc()
            s = good[:17] + self.r.choice([c for c in USCC_ALPHABET if c != good[17]])
            if not recognised_digit_run(s):
                return s

    def order_number(self):
        """A phone number inside a longer digit run: an order or tracking number."""
        r = self.r
        while True:
            s = self.digits(r.randint(3, 6)) + self.mobile_digits() + self.digits(r.randint(2, 6))
            if not recognised_digit_run(s):
                return s

    def bad_date(self):
        return self.r.choice(["2015年2月30日", "2019年2月29日", "2015-02-29", "2014-13-01", "2020-04-31", "1999/11/31",
                              "2023年6月31日", "4月31日", "二〇二一年二月三十日"])

    def bad_time(self):
        return self.r.choice(["25:30", "12:75", "24:00:61"])

    def bad_ip(self):
        r = self.r
        return r.choice([f"256.{r.randint(0, 255)}.1.1", f"192.168.{r.randint(256, 999)}.1", "10.0.0.01"])

    def bad_phone(self):
        return "1" + self.r.choice("012") + self.digits(9)


# Templates: {V} is the value; sentences avoid ASCII spaces (a `char<TAB>tag` line for a space would
# read as a sentence break).
TEMPLATES = {
    "PHONE": ["我的手机号是{V}，有事请联系。", "请拨打{V}咨询详情。", "联系电话：{V}", "客服热线{V}全天开放。", "他留下了号码{V}就走了。", "{V}是她的新号码。"],
    "EMAIL": ["请发邮件到{V}，谢谢。", "邮箱：{V}", "简历请投递至{V}。", "联系人{V}负责此事。"],
    "URL": ["详情见{V}。", "官网地址为{V}，欢迎访问。", "点击链接{V}查看公告", "文章原文：{V}"],
    "IP": ["服务器IP是{V}。", "请把{V}加入白名单。", "来自{V}的请求被拦截了", "主机地址：{V}"],
    "ID_CARD": ["身份证号码为{V}。", "持证人的证件号：{V}，请核对。", "他报出了{V}这个号码。", "身份证{V}已登记"],
    "BANK_CARD": ["请将款项转入卡号{V}。", "银行卡：{V}", "退款已原路返回{V}尾号账户", "账号{V}，开户行工商银行。"],
    "PASSPORT": ["护照号码{V}，有效期十年。", "她的护照是{V}。", "护照号：{V}"],
    "PLATE": ["车牌号为{V}的轿车违章停车。", "一辆{V}的货车驶入园区", "车牌{V}，请尽快挪车。", "{V}在路口被拦下。"],
    "USCC": ["统一社会信用代码：{V}", "该公司税号为{V}。", "企业信用代码{V}已核验"],
    "DATE": ["会议定于{V}召开。", "{V}，公司正式成立。", "截止日期为{V}。", "他于{V}入职"],
    "TIME": ["我们{V}见面。", "航班{V}起飞", "请在{V}前到达会场。", "比赛于{V}开始"],
    "MONEY": ["这台电脑售价{V}。", "公司去年营收{V}", "共计{V}，请付款。", "项目投资{V}"],
    "PERCENT": ["增长率达到{V}。", "失业率下降了{V}", "占比约{V}", "支持率为{V}。"],
}

INVALID = {
    "bad_id": ["身份证号码为{V}。", "编号{V}不是身份证号。", "证件号：{V}"],
    "bad_card": ["卡号{V}，请核对。", "银行卡：{V}"],
    "bad_uscc": ["统一社会信用代码：{V}", "税号{V}有误"],
    "order_number": ["订单号{V}已发货。", "快递单号：{V}", "流水号{V}，请保存。"],
    "bad_date": ["日期写成了{V}，显然有误。", "表格里填的是{V}"],
    "bad_time": ["打卡时间{V}异常", "记录显示{V}"],
    "bad_ip": ["地址{V}无效。", "IP填成了{V}"],
    "bad_phone": ["手机号{V}不存在", "号码{V}打不通"],
}


# Sentences with numbers, codes and units that are none of the types: every tag O (precision).
DISTRACTORS = ["共有{n}个人参加了比赛。", "第{n}届运动会开幕", "房间{n}室的灯坏了", "他提了3点建议。", "距离还有三点五公里",
               "{n}天前我们见过", "比分3:2，主队获胜", "身高1.75米，体重{n}公斤", "GDP增长7.5，好于预期", "编号SKU-2023-{n:03d}",
               "型号ABC-{n}X已停产", "版本号v2.3.{n}发布了", "温度降到-{n}度", "第{n}页第3行有错字", "他跑了{n}米",
               "报名人数{n}人次", "请看图{n}和表3。", "电话费{n}，不含流量", "共计{n}件商品", "工号A{n}号员工"]


def tagged(template, value, tag):
    before, after = template.split("{V}")
    out = [(c, "O") for c in before]
    out += [(c, ("B-" if k == 0 else "I-") + tag) for k, c in enumerate(value)]
    out += [(c, "O") for c in after]
    return out


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "../../Tests/NERCoreTests/Fixtures/patterns/eval.tsv"))
    ap.add_argument("--per-type", type=int, default=150)
    ap.add_argument("--seed", type=int, default=20261207)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    mk = Maker(rng)
    sentences = []
    for tag, templates in TEMPLATES.items():
        make = getattr(mk, tag.lower())
        for _ in range(args.per_type):
            sentences.append(tagged(rng.choice(templates), make(), tag))
    for kind, templates in INVALID.items():
        for _ in range(args.per_type // 2):
            sentences.append(tagged(rng.choice(templates), getattr(mk, kind)(), "INVALID"))
    for _ in range(args.per_type):
        sentences.append([(c, "O") for c in rng.choice(DISTRACTORS).format(n=rng.randint(1, 9999))])
    # Two values in one sentence: boundaries between adjacent entities.
    pairs = [("PHONE", "EMAIL", "电话{A}，邮箱{B}。"), ("DATE", "TIME", "{A}，{B}出发"), ("MONEY", "PERCENT", "净利润{A}，同比增长{B}。"),
             ("PLATE", "PHONE", "车主驾驶{A}，手机{B}"), ("URL", "IP", "网站{A}解析到{B}。")]
    for _ in range(args.per_type):
        a, b, t = rng.choice(pairs)
        first, rest = t.split("{A}")
        middle, last = rest.split("{B}")
        s = tagged(first + "{V}", getattr(mk, a.lower())(), a)
        s += tagged(middle + "{V}" + last, getattr(mk, b.lower())(), b)
        sentences.append(s)
    rng.shuffle(sentences)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for s in sentences:
            for c, tag in s:
                assert c != " " and c != "\n"
                f.write(f"{c}\t{tag}\n")
            f.write("\n")
    print(f"{len(sentences)} sentences, {os.path.getsize(args.out):,} bytes -> {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
