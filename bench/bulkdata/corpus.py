"""The words the generated shop is made of: names, products, carriers and the texts of
tickets, replies, notes and parcel scans, in English and Simplified Chinese.

Plain data, no Django: the generators pick from these with a seeded random.
"""

# (surname, pinyin): the most common Chinese surnames.
ZH_SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"),
    ("林", "lin"), ("罗", "luo"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"),
    ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("袁", "yuan"),
    ("潘", "pan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("杜", "du"), ("叶", "ye"),
    ("程", "cheng"), ("苏", "su"), ("魏", "wei"), ("吕", "lv"), ("丁", "ding"), ("沈", "shen"),
    ("姚", "yao"), ("卢", "lu"), ("钟", "zhong"), ("谭", "tan"), ("陆", "lu"), ("范", "fan"),
    ("金", "jin"), ("石", "shi"), ("贾", "jia"), ("夏", "xia"), ("方", "fang"), ("白", "bai"),
]
ZH_GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"),
    ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("霞", "xia"),
    ("平", "ping"), ("刚", "gang"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"), ("晨", "chen"),
    ("秀英", "xiuying"), ("欣怡", "xinyi"), ("子涵", "zihan"), ("浩然", "haoran"),
    ("梓萱", "zixuan"), ("宇轩", "yuxuan"), ("思远", "siyuan"), ("雨桐", "yutong"),
    ("嘉怡", "jiayi"), ("俊杰", "junjie"), ("佳琪", "jiaqi"), ("志强", "zhiqiang"),
    ("建华", "jianhua"), ("晓燕", "xiaoyan"), ("文博", "wenbo"), ("一诺", "yinuo"),
    ("诗涵", "shihan"), ("家豪", "jiahao"), ("梦琪", "mengqi"), ("天佑", "tianyou"),
]
EN_FIRST = [
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sophie", "Leo", "Chloe",
    "Ryan", "Grace", "Owen", "Zoe", "Sara", "Daniel", "Hannah", "Tom", "Lily", "James", "Isla",
    "Jack", "Amelia", "Oscar", "Freya", "Henry", "Ella", "Samuel", "Ruby", "Matteo", "Giulia",
    "Lukas", "Lena", "Hugo", "Camille", "Mateo", "Lucía", "Aiden", "Priya", "Arjun", "Yuki",
    "Hiro", "Min-jun", "Ji-woo", "Fatima", "Omar", "Anna", "Erik", "Ingrid", "Kevin", "Michelle",
]
EN_LAST = [
    "Smith", "Brown", "Wilson", "Taylor", "Clark", "Walker", "Hall", "Young", "King", "Wright",
    "Lopez", "Hill", "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Roberts",
    "Müller", "Schmidt", "Fischer", "Rossi", "Bianchi", "Dubois", "Moreau", "García", "Martínez",
    "Silva", "Santos", "Kim", "Park", "Nguyen", "Tran", "Tanaka", "Sato", "Patel", "Singh",
    "Johansson", "Larsen", "O'Brien", "Murphy", "Kowalski", "Novak", "Cohen", "Haddad",
    "Wong", "Chan", "Lee", "Ng",
]
ZH_EMAIL_DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "outlook.com"]
EN_EMAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.com",
                    "proton.me", "gmx.de", "web.de", "orange.fr"]

# (time zone, weight) per customer language.
ZH_TIME_ZONES = [("Asia/Shanghai", 85), ("Asia/Hong_Kong", 5), ("Asia/Taipei", 3),
                 ("Asia/Singapore", 3), ("America/Vancouver", 2), ("Australia/Sydney", 2)]
EN_TIME_ZONES = [("America/New_York", 20), ("America/Los_Angeles", 14), ("America/Chicago", 8),
                 ("Europe/London", 15), ("Europe/Berlin", 10), ("Europe/Paris", 6),
                 ("Australia/Sydney", 6), ("Asia/Singapore", 6), ("Asia/Shanghai", 8),
                 ("Asia/Tokyo", 3), ("America/Toronto", 4)]
PHONE_PREFIX = {"Asia/Shanghai": "+861", "Asia/Hong_Kong": "+8526", "Asia/Taipei": "+8869",
                "Asia/Singapore": "+658", "America/Vancouver": "+1604", "America/Toronto": "+1416",
                "America/New_York": "+1212", "America/Los_Angeles": "+1310",
                "America/Chicago": "+1312", "Europe/London": "+447", "Europe/Berlin": "+4915",
                "Europe/Paris": "+336", "Australia/Sydney": "+614", "Asia/Tokyo": "+8190"}
CUSTOMER_NOTES = [
    "Prefers WeChat over phone calls.", "Buys gifts for clients every Chinese New Year.",
    "Allergic to jasmine: never send jasmine samples.", "Wholesale enquiry in the past.",
    "Ships to office address on weekdays only.", "Asked not to receive marketing emails.",
    "喜欢微信联系，不要打电话。", "每年中秋节批量采购礼盒。", "收货地址为公司前台，周末无人签收。",
    "曾投诉包装破损，发货时请加固包装。",
]

# Catalogue: (sku stem, English title, Chinese title, price in cents, variants).
PRODUCTS = [
    ("TEA-LJ", "Longjing green tea", "西湖龙井", 9900, ["100g", "250g", "500g"]),
    ("TEA-PE", "Pu'er tea cake 357g", "普洱茶饼357克", 26800, ["2015", "2018", "2021"]),
    ("TEA-TG", "Tieguanyin oolong", "安溪铁观音", 12800, ["125g", "250g"]),
    ("TEA-DH", "Da Hong Pao rock tea", "武夷岩茶大红袍", 35800, ["100g", "200g"]),
    ("TEA-BZ", "Silver Needle white tea", "白毫银针", 29800, ["50g", "100g"]),
    ("TEA-JS", "Jasmine pearls", "茉莉龙珠", 8800, ["100g", "250g"]),
    ("TEA-BL", "Keemun black tea", "祁门红茶", 11800, ["150g", "300g"]),
    ("TEA-SP", "Tea tasting sampler", "名茶品鉴装", 16800, ["8 teas", "16 teas"]),
    ("CUP-CL", "Celadon tea cup set", "青瓷茶杯套装", 15900, ["4 cups", "6 cups"]),
    ("POT-YX", "Yixing clay teapot", "宜兴紫砂壶", 42000, ["200ml", "300ml"]),
    ("GAI-WH", "Porcelain gaiwan", "白瓷盖碗", 6800, ["white", "blue and white"]),
    ("TRY-BM", "Bamboo tea tray", "竹制茶盘", 18800, ["small", "large"]),
    ("KET-GL", "Glass kettle with infuser", "玻璃煮茶壶", 13900, ["1L", "1.5L"]),
    ("MUG-DW", "Double-wall glass mug", "双层玻璃杯", 6900, ["300ml", "450ml"]),
    ("CAD-TN", "Tin tea caddy", "马口铁茶叶罐", 3900, ["red", "green", "black"]),
    ("SLK-SC", "Silk scarf, peony print", "牡丹真丝围巾", 19900, ["pink", "ivory", "navy"]),
    ("SLK-PJ", "Silk pyjamas", "真丝睡衣", 58800, ["S", "M", "L", "XL"]),
    ("FAN-SW", "Sandalwood folding fan", "檀香折扇", 4500, ["plain", "carved"]),
    ("UMB-OP", "Oil-paper umbrella", "油纸伞", 12800, ["red", "blue"]),
    ("BAG-CV", "Canvas tote bag", "帆布手提袋", 3500, ["natural", "black"]),
    ("CAL-BR", "Calligraphy brush set", "书法毛笔套装", 9800, ["beginner", "master"]),
    ("INK-ST", "Inkstone with lid", "带盖砚台", 15800, ["round", "square"]),
    ("MOO-GB", "Mooncake gift box", "月饼礼盒", 16800, ["lotus seed", "red bean", "mixed"]),
    ("SNK-DT", "Dried fruit snack box", "果干零食礼盒", 8800, ["500g", "1kg"]),
    ("HON-WF", "Wildflower honey", "百花蜂蜜", 6800, ["250g", "500g"]),
    ("GIF-NY", "New Year gift set", "新年礼盒", 29900, ["classic", "deluxe"]),
    ("INC-SW", "Sandalwood incense", "檀香线香", 4800, ["50 sticks", "100 sticks"]),
    ("VAS-BW", "Blue-and-white vase", "青花瓷花瓶", 36800, ["small", "medium", "large"]),
    ("BWL-RC", "Rice bowl set", "饭碗套装", 9900, ["4 bowls", "6 bowls"]),
    ("CHP-EB", "Ebony chopsticks", "乌木筷子", 5900, ["5 pairs", "10 pairs"]),
]

# Carriers: name, tracking link, domestic (scans in Chinese) or international, share.
CARRIERS = [
    ("SF Express", "https://www.sf-express.com/chn/en/waybill/waybill-detail/{}", True, 35),
    ("YTO Express", "https://www.yto.net.cn/track?num={}", True, 20),
    ("ZTO Express", "https://www.zto.com/express/expressCheck.html?txtBill={}", True, 25),
    ("JD Logistics", "https://www.jdl.com/orderSearch/?waybillCodes={}", True, 20),
    ("China Post EMS", "https://www.ems.com.cn/queryList?mailNum={}", False, 30),
    ("DHL", "https://www.dhl.com/track?tracking-id={}", False, 30),
    ("FedEx", "https://www.fedex.com/fedextrack/?trknbr={}", False, 20),
    ("UPS", "https://www.ups.com/track?tracknum={}", False, 20),
]
ORIGINS = [("Hangzhou", "杭州"), ("Shanghai", "上海"), ("Quanzhou", "泉州"),
           ("Jingdezhen", "景德镇")]
HUBS = [("Shanghai hub", "上海转运中心"), ("Guangzhou hub", "广州转运中心"),
        ("Beijing hub", "北京转运中心"), ("Wuhan hub", "武汉转运中心"),
        ("Chengdu hub", "成都转运中心"), ("Shenzhen hub", "深圳转运中心")]
DESTINATIONS = [("Beijing", "北京"), ("Shenzhen", "深圳"), ("Chengdu", "成都"),
                ("Nanjing", "南京"), ("Xi'an", "西安"), ("Wuhan", "武汉"), ("Tianjin", "天津"),
                ("Suzhou", "苏州"), ("Chongqing", "重庆"), ("Hong Kong", "香港"),
                ("Los Angeles", "洛杉矶"), ("London", "伦敦"), ("Frankfurt", "法兰克福"),
                ("Sydney", "悉尼"), ("Singapore", "新加坡"), ("Toronto", "多伦多")]
# Scan descriptions per tracking status: (English, Chinese).
SCANS = {
    "label_created": ("Shipment information received", "商家已下单，等待揽收"),
    "picked_up": ("Picked up by courier", "快递员已揽收"),
    "departed": ("Departed sorting facility", "快件已从分拣中心发出"),
    "arrived": ("Arrived at sorting facility", "快件已到达转运中心"),
    "out_for_delivery": ("Out for delivery", "快递员正在派送，请保持电话畅通"),
    "attempted_delivery": ("Delivery attempted: recipient not available",
                           "派送未成功：收件人不在，将再次派送"),
    "delivered": ("Delivered, signed for by recipient", "快件已签收，签收人：本人"),
    "exception": ("Held at customs for inspection", "快件在海关查验中，请耐心等待"),
    "exception_address": ("Address incomplete: awaiting customer instructions",
                          "地址不详，等待收件人确认地址"),
    "returned": ("Returned to sender", "快件已退回寄件人"),
}

CATEGORY_SUBJECTS = {
    "order_status": [("Where is my order #{order}?", "我的订单#{order}到哪里了？"),
                     ("Order #{order} not shipped yet", "订单#{order}还没发货"),
                     ("When will #{order} arrive?", "订单#{order}什么时候能到？")],
    "shipping_problem": [("Parcel stuck in transit for a week", "包裹一周没有更新物流"),
                         ("Tracking not updating for #{order}", "订单#{order}物流信息不更新"),
                         ("Parcel held at customs", "包裹被海关扣留"),
                         ("Courier says delivered but I have nothing", "显示已签收但我没收到")],
    "damaged": [("Teapot arrived cracked", "茶壶收到时有裂痕"),
                ("Broken cups in order #{order}", "订单#{order}里的杯子碎了"),
                ("Tea tin dented and opened", "茶叶罐变形还被打开了")],
    "wrong_item": [("Wrong item in my parcel", "收到的商品发错了"),
                   ("Received wrong size for #{order}", "订单#{order}尺码发错了")],
    "payment": [("Charged twice for #{order}", "订单#{order}被重复扣款"),
                ("Payment failed but money taken", "支付失败但钱被扣了"),
                ("Need a VAT invoice", "需要开增值税发票")],
    "return_refund": [("Return request for #{order}", "订单#{order}申请退货"),
                      ("Refund not received yet", "退款还没到账"),
                      ("How do I return an unopened item?", "未拆封商品怎么退货？")],
    "pre_sale": [("Is the Yixing teapot handmade?", "紫砂壶是纯手工的吗？"),
                 ("Do you ship to Canada?", "可以寄到加拿大吗？"),
                 ("Bulk order for company gifts", "公司礼品批量采购咨询"),
                 ("Which tea is best for beginners?", "新手适合喝什么茶？")],
    "complaint": [("Very disappointed with the service", "对服务非常失望"),
                  ("Courier was rude", "快递员态度很差"),
                  ("Third time asking about #{order}", "第三次问订单#{order}的问题了")],
    "feedback": [("Lovely tea, thank you!", "茶叶很好喝，谢谢！"),
                 ("Suggestion for your website", "对网站的一点建议")],
    "partnership": [("Wholesale partnership proposal", "批发合作洽谈"),
                    ("Press enquiry about your shop", "媒体采访请求")],
    "other": [("Question about my account", "关于我的账户的问题"),
              ("Change my delivery address", "修改收货地址"),
              ("Gift wrapping options", "礼品包装选项")],
}

# Inbound: the customer's first message, built from an opening, a detail and a closing.
INBOUND_OPENINGS = {
    "en": ["Hi,", "Hello,", "Hi there,", "Good morning,", "Dear support team,", "Hey,"],
    "zh": ["你好，", "您好，", "客服你好，", "在吗？", "亲，"],
}
INBOUND_DETAILS = {
    "order_status": (
        ["I ordered {product} on order #{order} and haven't received any shipping update.",
         "My order #{order} still shows as processing. Could you check when it will ship?",
         "Could you tell me when #{order} will arrive? It's a birthday present."],
        ["我在订单#{order}买了{product}，一直没有物流更新。",
         "订单#{order}一直显示处理中，请问什么时候发货？",
         "请问订单#{order}什么时候能到？是送人的生日礼物。"]),
    "shipping_problem": (
        ["The tracking for #{order} hasn't moved for days. The last scan was at the hub.",
         "The courier marked my parcel as delivered but nothing arrived at my door.",
         "My parcel seems to be held at customs. Do I need to do anything?"],
        ["订单#{order}的物流好几天没动了，最后一次扫描在转运中心。",
         "快递显示已签收，但是我根本没收到包裹。",
         "包裹好像被海关扣了，需要我提供什么材料吗？"]),
    "damaged": (
        ["The {product} from order #{order} arrived broken. I've attached photos.",
         "When I opened the box, the {product} was cracked. The packaging was crushed."],
        ["订单#{order}的{product}收到时已经坏了，照片在附件里。",
         "打开箱子发现{product}有裂痕，外包装也压坏了。"]),
    "wrong_item": (
        ["I ordered {product} but received something else in order #{order}.",
         "The parcel for #{order} contained the wrong variant of {product}."],
        ["我买的是{product}，订单#{order}收到的却是别的东西。",
         "订单#{order}里的{product}规格发错了。"]),
    "payment": (
        ["My card was charged twice for order #{order}. Please refund one payment.",
         "The payment page showed an error but the money left my account.",
         "Could you issue an invoice for order #{order} with our company name?"],
        ["订单#{order}被扣了两次款，请退还一笔。",
         "付款页面报错了，但是钱已经扣了。",
         "订单#{order}可以开公司抬头的发票吗？"]),
    "return_refund": (
        ["I'd like to return the {product} from order #{order}. It's unopened.",
         "I sent the return for #{order} two weeks ago and the refund hasn't arrived.",
         "The {product} isn't what I expected. How do I send it back?"],
        ["我想退订单#{order}里的{product}，还没拆封。",
         "订单#{order}两周前就寄回了，退款还没到账。",
         "{product}和描述不太一样，怎么退货？"]),
    "pre_sale": (
        ["Is the {product} in stock? I'd like to order two.",
         "Do you ship to my country, and how long does it take?",
         "We want to order 50 gift sets for our clients. Is there a discount?"],
        ["{product}还有货吗？想买两个。",
         "可以寄到国外吗？大概多久能到？",
         "公司想订50份礼盒送客户，有优惠吗？"]),
    "complaint": (
        ["This is the third time I'm writing about #{order} and nobody has answered.",
         "I'm really unhappy with how my order #{order} was handled."],
        ["关于订单#{order}这已经是我第三次联系了，一直没人回复。",
         "对订单#{order}的处理非常不满意。"]),
    "feedback": (
        ["Just wanted to say the {product} is wonderful. Thank you!",
         "Your checkout page is a bit confusing on mobile; the coupon field is hidden."],
        ["{product}非常好，谢谢！", "手机上结账页面有点乱，优惠券输入框找不到。"]),
    "partnership": (
        ["We run a tea house and would like to discuss wholesale prices.",
         "I write for a lifestyle magazine and would love to feature your shop."],
        ["我们经营茶馆，想谈一下批发价格。", "我是生活方式杂志的编辑，想采访贵店。"]),
    "other": (
        ["Could you update the delivery address on my account?",
         "Can I add gift wrapping to an order that is already paid?"],
        ["能帮我改一下账户里的收货地址吗？", "已付款的订单还能加礼品包装吗？"]),
}
INBOUND_CLOSINGS = {
    "en": ["Thanks,\n{name}", "Best regards,\n{name}", "Thank you!", "Cheers,\n{name}",
           "Looking forward to your reply.\n{name}", "{name}"],
    "zh": ["谢谢！", "麻烦尽快回复，谢谢。", "辛苦了。", "{name}", "期待回复。"],
}
FOLLOW_UPS = {
    "en": ["Any update on this?", "Thanks, I've sent the photos you asked for.",
           "I checked again and still nothing. Can you help?",
           "OK, the order number is #{order}.", "Thank you, that works for me.",
           "Could you send me the return label again? I can't find it.",
           "Hello? It's been two days."],
    "zh": ["请问有进展了吗？", "照片已经发给你们了。", "我又查了一下，还是没有。能帮忙吗？",
           "订单号是#{order}。", "好的，谢谢。", "退货单号能再发我一下吗？", "两天了还没回复？"],
}
# Agents' replies by topic: (English, Chinese) pairs; REPLY_TOPIC maps the categories.
REPLIES = {
    "shipping": [
        ("Hi {name}, thanks for reaching out! I've checked order #{order}: it left our "
         "warehouse and is with the courier now. You can follow it with the tracking link in "
         "your shipping email.",
         "{name}您好，已为您查询订单#{order}，包裹已从仓库发出，可以通过发货邮件里的链接查看物流。"),
        ("Hello {name}, I'm sorry about this. I've asked the courier to investigate and will "
         "update you within 24 hours.",
         "{name}您好，非常抱歉给您带来不便，我们已联系快递公司核查，24小时内给您答复。"),
        ("Hi {name}, we're sorry for the wait. The parcel is held at customs; this normally "
         "clears in 2-4 days and needs nothing from you.",
         "{name}您好，包裹目前在海关查验，一般2-4天放行，不需要您提供材料，请耐心等待。"),
    ],
    "damage": [
        ("Hi {name}, I'm so sorry the {product} arrived like this. A replacement is on its "
         "way today, no need to send the broken one back.",
         "{name}您好，很抱歉{product}出现这样的问题，我们今天为您补发，原商品不用寄回。"),
        ("Hello {name}, thank you for the photos. Would you prefer a replacement or a full "
         "refund for the {product}?",
         "{name}您好，照片已收到。{product}您希望补发还是全额退款呢？"),
    ],
    "money": [
        ("Hi {name}, your refund for order #{order} has been issued. It usually takes 3-5 "
         "business days to show on your statement.",
         "{name}您好，订单#{order}的退款已经原路退回，一般3-5个工作日到账。"),
        ("Hello {name}, I've attached a prepaid return label. Once we receive the parcel we "
         "refund you within 2 business days.",
         "{name}您好，退货运单已发到您的邮箱，我们收到包裹后2个工作日内退款。"),
        ("Hi {name}, I checked with our payments team: the second charge was only a "
         "pre-authorisation and is released automatically within 7 days.",
         "{name}您好，已和财务核实，第二笔只是预授权，7天内会自动解冻。"),
    ],
    "sales": [
        ("Hi {name}, good question! Yes, the {product} is in stock and ships within 24 hours.",
         "{name}您好，{product}有现货，下单后24小时内发货哦。"),
        ("Hello {name}, we ship worldwide; delivery takes 7-12 days with tracking. For 20 "
         "gift sets or more we offer 10% off.",
         "{name}您好，我们支持全球配送，7-12天送达，可全程追踪。20份以上礼盒可享九折。"),
    ],
    "complaint": [
        ("Dear {name}, I'm truly sorry for how this went. I've escalated it to our team lead "
         "and added a coupon for your next order.",
         "{name}您好，真的很抱歉给您带来不好的体验，已经升级给主管处理，并为您送上一张优惠券。"),
    ],
    "feedback": [
        ("Thank you so much for the kind words, {name}! I've passed them on to the team.",
         "谢谢{name}的认可！已经转达给团队了。"),
    ],
    "partnership": [
        ("Thanks {name}, I've forwarded your message to our partnerships team; they will "
         "reply within three business days.",
         "{name}您好，已转给我们的合作团队，他们会在三个工作日内回复您。"),
    ],
    "general": [
        ("Thanks {name}, I've updated that for you. Is there anything else I can help with?",
         "好的{name}，已经帮您修改了，还有其他可以帮您的吗？"),
    ],
}
REPLY_TOPIC = {"order_status": "shipping", "shipping_problem": "shipping", "damaged": "damage",
               "wrong_item": "damage", "payment": "money", "return_refund": "money",
               "pre_sale": "sales", "complaint": "complaint", "feedback": "feedback",
               "partnership": "partnership", "other": "general"}
SIGNATURES = {"en": "\n\nBest regards,\n{agent}\nKefu Tea House support",
              "zh": "\n\n祝好！\n客服 {agent}"}
NOTES = ["Checked with the warehouse: packed and handed to the courier on time.",
         "Courier investigation opened, ref. CI-{order}.",
         "Customer is Gold tier: approve the replacement without a return.",
         "Refund approved by manager.", "Photos received; damage confirmed.",
         "Escalated to payments team to check the double charge.",
         "已联系仓库核实，发货正常。", "已提交快递理赔。", "金卡客户，直接补发。",
         "财务已确认退款。"]
DELIVERY_ERRORS = ["550 5.1.1 Mailbox unavailable", "552 5.2.2 Mailbox full",
                   "The customer has no email address."]
TICKET_TAGS = {
    "shipping_problem": ["delay", "customs", "lost-parcel", "物流延误"],
    "damaged": ["fragile", "replacement", "破损"],
    "return_refund": ["refund", "return", "退款"],
    "complaint": ["escalated", "repeat-contact", "投诉"],
    "pre_sale": ["wholesale", "gift"],
    "payment": ["double-charge", "invoice"],
}
CUSTOMER_TAGS = ["vip", "wholesale", "influencer", "fraud-watch", "gift-buyer", "老客户"]

# Staff: (first name, last name) of the generated agents.
AGENT_NAMES = [
    ("Ann", "Li"), ("Bo", "Chen"), ("Lina", "Wang"), ("Mei", "Zhang"), ("Jun", "Liu"),
    ("Hui", "Yang"), ("Tao", "Huang"), ("Yan", "Zhao"), ("Lei", "Wu"), ("Xin", "Zhou"),
    ("Ying", "Xu"), ("Peng", "Sun"), ("Jing", "Ma"), ("Hao", "Zhu"), ("Qian", "Hu"),
    ("Rui", "Guo"), ("Ning", "He"), ("Kai", "Gao"), ("Fang", "Lin"), ("Wen", "Luo"),
    ("Sarah", "Miller"), ("David", "Jones"), ("Laura", "Davis"), ("Chris", "Evans"),
    ("Nina", "Weber"), ("Paul", "Martin"), ("Elena", "Ruiz"), ("Mark", "Thompson"),
    ("Julia", "Becker"), ("Sam", "Lewis"),
]
TEAMS = [
    # name, categories routed to it
    ("Orders & shipping", ["order_status", "shipping_problem", "wrong_item", "other"]),
    ("Returns & refunds", ["return_refund", "damaged"]),
    ("Pre-sales", ["pre_sale", "partnership", "feedback"]),
    ("Payments", ["payment"]),
    ("VIP care", ["complaint"]),
]
