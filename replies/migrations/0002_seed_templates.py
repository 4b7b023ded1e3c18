"""The seeds' reply templates and a few macros, in English and Simplified Chinese.

The English texts are the seed guide's examples (shipping time, discounts, objections,
late shipping, damaged product, wrong item, returns, refunds, follow-ups, tier-up,
escalation), with its [Customer Name]-style blanks turned into Kefu's {{placeholders}}
where the ticket knows the value, and into [fill-ins] where the agent must write it.
Two come from the Chinese retail guide (the keep-or-gift return email, the public reply
to a complaint). Admins edit or retire them later; nothing here is a constant in code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GREETING = "greeting"
COMMON = "common_questions"
OBJECTION = "objection_handling"
ISSUE = "issue_resolution"
CLOSING = "closing_follow_up"
SPECIAL = "special_situations"

TEMPLATES = [
    {
        "category": GREETING, "name": "Greeting and question", "name_zh_hans": "问候与咨询",
        "tags": "greeting, question, welcome",
        "body_en": """Hi {{customer_name}}! Thanks for reaching out! 😊

You asked about {{product_name}}. Let me help you with that!

{{answer_to_question}}

Is there anything else you'd like to know? I'm happy to help! 😊

{{agent_name}}
{{shop_name}}""",
        "body_zh_hans": """{{customer_name}}您好！感谢您的咨询！😊

您问到了{{product_name}}，我来帮您解答！

{{answer_to_question}}

还有其他想了解的吗？很乐意为您服务！😊

{{agent_name}}
{{shop_name}}""",
    },
    {
        "category": GREETING, "name": "Welcome back", "name_zh_hans": "老顾客欢迎回来",
        "tags": "greeting, returning customer, personal",
        "body_en": """Hi {{customer_name}}! Great to hear from you again! 😊

Last time you ordered [product], and I remember you mentioned you were interested in [specific concern/goal].

How did that work out for you? If you're still looking to [achieve goal], I'd recommend [new suggestion] based on what you told me last time.

Would you like more details? I'm happy to share!""",
        "body_zh_hans": """{{customer_name}}您好！很高兴再次收到您的消息！😊

您上次购买了[商品]，我记得您提到过对[具体关注点/目标]感兴趣。

后来效果怎么样？如果您还想[实现目标]，根据您上次说的情况，我推荐您试试[新建议]。

需要了解更多细节吗？很乐意为您介绍！""",
    },
    {
        "category": COMMON, "name": "Shipping time", "name_zh_hans": "发货与配送时间",
        "tags": "shipping, delivery, how long",
        "body_en": """Thanks for asking, {{customer_name}}!

We ship within 24 hours of your order.
Delivery takes 3-7 days depending on your location:
- Beijing/Shanghai/Guangzhou: 3-4 days
- Other tier 1 cities: 4-5 days
- Tier 2/3 cities: 5-7 days

Free shipping on orders over ¥199!

Need it faster? Let me know, I might be able to arrange expedited shipping.

{{agent_name}}""",
        "body_zh_hans": """{{customer_name}}您好，感谢您的咨询！

我们会在您下单后24小时内发货。
根据收货地区不同，配送需要3-7天：
- 北京/上海/广州：3-4天
- 其他一线城市：4-5天
- 二三线城市：5-7天

订单满¥199包邮！

着急用吗？告诉我，我可以帮您看看能否安排加急配送。

{{agent_name}}""",
    },
    {
        "category": COMMON, "name": "Discounts", "name_zh_hans": "优惠活动咨询",
        "tags": "discount, coupon, price, offer",
        "body_en": """I appreciate you asking, {{customer_name}}! 😊

We do have special offers:
- First-time customers: 20% off with code FIRST20
- Bundle deals: Save 15-25% when you buy multiple products
- Flash sales: Follow us for exclusive flash sales

Since you're here, I'd love to offer you a special 10% off code just for reaching out: THANKS10

Let me know if you have any other questions!""",
        "body_zh_hans": """{{customer_name}}，谢谢您的询问！😊

我们目前有这些优惠：
- 新客户：使用优惠码FIRST20享8折
- 组合优惠：多件购买立省15-25%
- 限时秒杀：关注我们，获取专属秒杀活动

既然您来咨询了，特别送您一个9折优惠码，感谢您的联系：THANKS10

还有其他问题随时告诉我！""",
    },
    {
        "category": COMMON, "name": "Is it right for me?", "name_zh_hans": "是否适合我",
        "tags": "product, suitability, recommendation",
        "body_en": """Great question, {{customer_name}}! Let me help you decide.

Yes, this is perfect for [use case] because [explain why].
However, if you have [different situation], you might want to consider [alternative product or suggestion].

What's your specific situation? I'd be happy to give you a personalized recommendation! 😊""",
        "body_zh_hans": """{{customer_name}}，这个问题问得好！我来帮您参考一下。

这款非常适合[使用场景]，因为[说明原因]。
不过，如果您是[其他情况]，可以考虑一下[替代商品或建议]。

方便说说您的具体情况吗？我很乐意为您做个性化推荐！😊""",
    },
    {
        "category": COMMON, "name": "Order shipped: tracking", "name_zh_hans": "已发货：物流信息",
        "tags": "order status, tracking, shipped, where is my order",
        "body_en": """Great news, {{customer_name}}! Your order #{{order_number}} has shipped and is on its way!

📦 Tracking: {{tracking_number}}
🚚 Carrier: {{carrier}}
📅 Estimated delivery: {{estimated_delivery}}

Track your package here: {{tracking_link}}

Let me know if you have any questions or if there's anything else I can help with. 😊""",
        "body_zh_hans": """好消息，{{customer_name}}！您的订单#{{order_number}}已经发货，正在路上啦！

📦 运单号：{{tracking_number}}
🚚 快递公司：{{carrier}}
📅 预计送达：{{estimated_delivery}}

点击这里查看物流：{{tracking_link}}

有任何问题，或者还有什么需要帮忙的，随时告诉我。😊""",
    },
    {
        "category": OBJECTION, "name": "It's too expensive", "name_zh_hans": "觉得太贵",
        "tags": "price, objection, budget",
        "body_en": """I completely understand - budget matters!

Here's what I'd suggest:
While the upfront cost is [price], it replaces [X number] of other products you'd otherwise buy, so you actually save ¥[amount] per month.

Plus, we offer a 30-day money-back guarantee. If you don't feel it's worth every penny, I'll refund you immediately. No risk to try!

What's your budget range? I might be able to suggest a starter set that fits better?""",
        "body_zh_hans": """完全理解，预算确实很重要！

我的建议是：
虽然一次性花费是[价格]，但它可以替代您原本要买的[X]件其他商品，算下来每个月反而能省¥[金额]。

而且我们提供30天无理由退款保障。如果您觉得不值，我马上为您退款。试用零风险！

您的预算大概是多少呢？也许我可以推荐一套更合适的入门套装？""",
    },
    {
        "category": OBJECTION, "name": "Not sure it will work for me",
        "name_zh_hans": "担心不适合自己", "tags": "objection, suitability, doubt",
        "body_en": """That's a totally valid concern!

Let me help you decide:
This works best for [specific situation/skin type/etc.]
If you have [different situation], it might not be the best fit.

Can you tell me a bit more about your specific situation? I want to make sure you get exactly what you need, and I'll be honest if this isn't the right product for you.""",
        "body_zh_hans": """您的顾虑非常合理！

我来帮您判断一下：
这款最适合[具体情况/肤质等]。
如果您是[其他情况]，它可能不是最合适的选择。

能再跟我说说您的具体情况吗？我希望您买到真正需要的东西，如果这款不适合您，我也会如实告诉您。""",
    },
    {
        "category": OBJECTION, "name": "I'll think about it", "name_zh_hans": "我再考虑一下",
        "tags": "objection, hesitation, timing",
        "body_en": """Of course! It's smart to think it over. 😊

While you're deciding, here's what other customers wished they had known:
- [Insight 1]
- [Insight 2]

Also, just so you know: this is currently [discount/sale/stock level], and I can't guarantee how long that will last.

No pressure at all, but if you decide to go for it, I'd recommend soon rather than later!

Let me know if you have any other questions that would help you decide!""",
        "body_zh_hans": """当然可以！考虑清楚再决定是明智的。😊

在您考虑的时候，分享一下其他顾客希望早点知道的事：
- [要点1]
- [要点2]

另外提醒一下：这款目前[折扣/促销/库存情况]，我没法保证能持续多久。

完全不用有压力，不过如果您决定入手，建议早点下单哦！

还有什么能帮您做决定的问题，随时问我！""",
    },
    {
        "category": ISSUE, "name": "Late shipping apology", "name_zh_hans": "物流延误致歉",
        "tags": "shipping, delay, late, apology",
        "body_en": """{{customer_name}}, I'm so sorry your order is late! I completely understand your frustration - waiting for something you ordered is the worst.

Let me check what's going on... I see your order #{{order_number}} was delayed at the shipping center. This is not acceptable, and I apologize for the delay.

Here's what I'm going to do to fix this:
1. Your order is now prioritized and will be delivered by {{estimated_delivery}}
2. I've upgraded you to expedited shipping at no extra cost
3. As an apology, here's {{coupon_code}} for your next order
4. I'll personally track your package and update you daily

You should receive it by {{estimated_delivery}} at the latest. If for any reason it doesn't arrive by then, I'll issue a full refund immediately - no need to ask.

I've also flagged this with our shipping partner to prevent future delays.

Thank you for your patience and understanding! Is there anything else I can do for you? 😊

{{agent_name}}""",
        "body_zh_hans": """{{customer_name}}，非常抱歉您的订单迟迟未到！完全理解您着急的心情——等待自己买的东西真的太煎熬了。

我查了一下情况……您的订单#{{order_number}}在物流中心被耽搁了。这是不应该发生的，我向您诚恳道歉。

我会这样为您解决：
1. 您的订单已优先处理，将在{{estimated_delivery}}前送达
2. 已免费为您升级为加急配送
3. 作为歉意，送您一张优惠券{{coupon_code}}，下次购物可用
4. 我会亲自跟踪您的包裹，每天向您更新进度

最晚{{estimated_delivery}}您就能收到。如果届时因任何原因还没送到，我会立即为您全额退款，无需您再开口。

我也已经向快递合作方反馈了这个问题，避免以后再出现延误。

感谢您的耐心与理解！还有什么我可以为您做的吗？😊

{{agent_name}}""",
    },
    {
        "category": ISSUE, "name": "Delay noticed: we wrote first",
        "name_zh_hans": "主动告知物流延误", "tags": "shipping, delay, proactive",
        "body_en": """Hi {{customer_name}}, I'm tracking your order #{{order_number}} and noticed it's been delayed at the shipping center.

I'm so sorry about this! I've already contacted the shipping partner and they're prioritizing your package.

New estimated delivery: {{estimated_delivery}}

I'll keep you updated. As an apology for the delay, I'd like to offer you {{coupon_code}} for your next order.

Thanks for your patience! 😊""",
        "body_zh_hans": """{{customer_name}}您好，我在跟踪您的订单#{{order_number}}时发现，包裹在物流中心被耽搁了。

真的很抱歉！我已经联系了快递合作方，他们会优先处理您的包裹。

新的预计送达时间：{{estimated_delivery}}

我会持续为您跟进。为表歉意，送您一张优惠券{{coupon_code}}，下次购物可用。

感谢您的耐心等待！😊""",
    },
    {
        "category": ISSUE, "name": "Damaged product", "name_zh_hans": "商品破损",
        "tags": "damaged, defective, broken, replacement",
        "body_en": """Oh no, {{customer_name}}! I'm so sorry your product arrived damaged! That's completely unacceptable.

I'm going to fix this right away:
I've already shipped a replacement to you - you'll get it in [X] days. No need to return the damaged one.
You should receive a tracking number by email within 2 hours.

As an apology for the inconvenience, I'd like to offer you {{coupon_code}} for your next order.

I've also flagged this with our shipping team to prevent it from happening again.

Is there anything else I can do to make this right? I'm so sorry again! 😔""",
        "body_zh_hans": """哎呀，{{customer_name}}！非常抱歉您收到的商品有破损！这完全不应该发生。

我马上为您处理：
已经为您补发了新的商品，[X]天内就能收到。破损的那件不用退回。
2小时内您会收到一封带运单号的邮件。

为表歉意，送您一张优惠券{{coupon_code}}，下次购物可用。

我也已经向我们的发货团队反馈，避免再次发生。

还有什么我可以做的来弥补吗？再次向您说声抱歉！😔""",
    },
    {
        "category": ISSUE, "name": "Wrong item shipped", "name_zh_hans": "发错商品",
        "tags": "wrong item, mistake, reship",
        "body_en": """{{customer_name}}, I am SO sorry! We shipped the wrong item? That's completely our mistake. I'm embarrassed this happened!

Let me fix this immediately:
1. I've shipped the correct item to you - expedited shipping at no extra cost. You'll get it in [X] days.
2. Keep the wrong item - no need to return it. Donate it, give it to a friend, whatever you prefer!
3. As an apology, here's {{coupon_code}} for your next order.

I've reviewed what went wrong with our packing team to prevent this from happening again.

I really appreciate you letting me know about this mistake. Is there anything else I can do to make it right? 😊""",
        "body_zh_hans": """{{customer_name}}，真的非常抱歉！我们发错商品了吗？这完全是我们的失误，发生这种事我很惭愧！

我马上为您处理：
1. 已为您加急补发正确的商品，不收任何额外费用，[X]天内送达。
2. 发错的商品您留着就好，不用退回。捐出去、送朋友，随您处理！
3. 为表歉意，送您一张优惠券{{coupon_code}}，下次购物可用。

我已经和打包团队一起复盘了出错的原因，避免再次发生。

非常感谢您告诉我们这个错误。还有什么我可以为您做的吗？😊""",
    },
    {
        "category": ISSUE, "name": "Didn't meet expectations", "name_zh_hans": "商品不符合预期",
        "tags": "expectations, refund, exchange, store credit",
        "body_en": """Hi {{customer_name}}, I'm so sorry the product didn't meet your expectations!

I want you to be completely happy with your purchase. Let me make this right:

Option 1: Full refund - I'll process it immediately, no return needed
Option 2: Exchange - I'll send you [different product] that might work better
Option 3: Store credit - [amount] credit plus [bonus] extra for your trouble

Which option would you prefer? Or if you have another idea, I'm open to that too!

I value your business and want to make sure you're taken care of. Let me know what works best for you! 😊""",
        "body_zh_hans": """{{customer_name}}您好，非常抱歉商品没有达到您的预期！

我希望您对这次购物完全满意，让我来弥补：

方案1：全额退款——我马上处理，无需退货
方案2：换货——为您寄送可能更合适的[其他商品]
方案3：店铺余额——[金额]余额，再额外补偿[奖励]，感谢您的包容

您更倾向哪种方案？如果您有其他想法，也欢迎告诉我！

我很珍惜您的支持，一定会把这件事处理好。告诉我哪种方式最适合您吧！😊""",
    },
    {
        "category": ISSUE, "name": "Return options", "name_zh_hans": "退货方式",
        "tags": "return, refund, keep it",
        "body_en": """Hi {{customer_name}}, I'm sorry to hear that [product name] didn't work out for you!

No worries at all - returns are easy! Here's what to do:

Option 1: Keep it
If you'd prefer, just keep it and I'll refund you 50%. This saves you the hassle of return shipping.

Option 2: Return it
1. Pack the item in its original packaging (if possible)
2. Attach the return label (I'll email it to you)
3. Drop it off at any {{carrier}} location
4. I'll process your refund within 24 hours of receiving it
Return shipping is on me - I'll email you a prepaid label!

Either way, I want you to be completely happy. Let me know which option you prefer! 😊""",
        "body_zh_hans": """{{customer_name}}您好，很遗憾[商品名称]不太适合您！

别担心，退货很简单！您可以这样选择：

方案1：直接留下
如果您愿意，商品留着就好，我为您退还50%的货款，省去寄回的麻烦。

方案2：寄回退货
1. 尽量用原包装把商品包好
2. 贴上退货面单（我会通过邮件发给您）
3. 交给任意一个{{carrier}}网点
4. 收到退货后24小时内为您办理退款
退货运费由我们承担——我会把预付运费的面单发到您的邮箱！

无论选哪种，我都希望您完全满意。告诉我您的选择吧！😊""",
    },
    {
        "category": ISSUE, "name": "Keep it or gift it", "name_zh_hans": "退款不退货：留下或转赠",
        "tags": "return, refund, gift, vip",
        "body_en": """Hi {{customer_name}},

We're sorry to hear you didn't love your recent purchase. We'd be happy to refund you - and if you like, you can give the product to a friend or family member, or keep it to try again later.

If you choose that option, we'll still send you a new product, or a product of the same value of your choice. Or you can ask for a full refund and still keep your product.

Please let us know how you'd like to proceed.

Best wishes,
The {{shop_name}} team""",
        "body_zh_hans": """{{customer_name}}您好：

很遗憾听到您不喜欢最近购买的商品。我们很乐意为您退款；如果您愿意，也可以把商品送给朋友或家人，或者留着以后再试。

如果您选择这种方式，我们仍会为您寄送新的商品，或由您挑选的同等价值的商品。您也可以申请全额退款，商品照样留着。

请告诉我们您希望怎么处理。

祝好，
{{shop_name}}团队""",
    },
    {
        "category": ISSUE, "name": "Refund processed", "name_zh_hans": "退款已处理",
        "tags": "refund, money back",
        "body_en": """Good news, {{customer_name}}! I've processed your refund for [amount]. 🎉

You should see it in your account within 3-5 business days, depending on your bank.

Refund details:
- Order #{{order_number}}
- Refund amount: [amount]
- Refund date: [date]
- Expected in account: 3-5 business days

If you don't see it after 5 business days, please let me know and I'll look into it immediately!

Is there anything else I can help you with? I'd be happy to assist you with finding a product that might work better! 😊""",
        "body_zh_hans": """好消息，{{customer_name}}！您的[金额]退款已经处理好了。🎉

根据银行不同，预计3-5个工作日到账。

退款详情：
- 订单号：#{{order_number}}
- 退款金额：[金额]
- 退款日期：[日期]
- 预计到账：3-5个工作日

如果5个工作日后还没收到，请告诉我，我会立刻帮您查！

还有什么可以帮您的吗？也很乐意帮您挑选一款更合适的商品！😊""",
    },
    {
        "category": ISSUE, "name": "Wrong price charged", "name_zh_hans": "价格标错致歉",
        "tags": "price, mistake, refund difference, apology",
        "body_en": """I'm so sorry about this, {{customer_name}}! I'll correct the price on the product page myself and pass your feedback on to our team to make sure it doesn't happen again.

I'll also refund you the difference of [amount]; it will reach your bank account within the next few days.

Sorry again!""",
        "body_zh_hans": """{{customer_name}}，对此我非常抱歉！我会亲自更正商品页面上的价格，并把您的反馈转达给我们的团队，确保不会再发生。

我还会为您退还[金额]的差价，退款会在接下来几天内到达您的银行账户。

再次向您道歉！""",
    },
    {
        "category": CLOSING, "name": "Satisfaction check", "name_zh_hans": "使用满意度回访",
        "tags": "follow-up, satisfaction, check-in",
        "body_en": """Hi {{customer_name}}, just checking in - how's your [product name] working out for you?

I hope you're loving it! If you have any questions or there's anything I can help with, just let me know!

Your satisfaction is super important to me. If anything's not perfect, please tell me and I'll make it right!

Talk soon! 😊
{{agent_name}}""",
        "body_zh_hans": """{{customer_name}}您好，来回访一下——[商品名称]用得怎么样？

希望您喜欢！如果有任何问题或需要帮忙的地方，随时告诉我！

您的满意对我来说非常重要。如果有哪里不够好，请告诉我，我一定会处理好！

期待您的回复！😊
{{agent_name}}""",
    },
    {
        "category": CLOSING, "name": "Delivered: enjoy it", "name_zh_hans": "签收确认",
        "tags": "delivered, follow-up, review",
        "body_en": """Hi {{customer_name}}! Your order #{{order_number}} has been delivered! 🎉

I hope you love your {{order_items}}!

If you have any questions about using it, just let me know. I'm happy to help!

Also, if you have a moment, would you mind leaving a quick review? It really helps our small business and other customers decide. Here's the link: [review link]

Thanks again for your support! 💕""",
        "body_zh_hans": """{{customer_name}}您好！您的订单#{{order_number}}已经签收啦！🎉

希望您喜欢{{order_items}}！

使用上有任何问题，随时告诉我，很乐意帮忙！

另外，如果方便的话，能帮我们写一条简短的评价吗？这对我们小店和其他顾客做选择都非常有帮助。评价链接：[评价链接]

再次感谢您的支持！💕""",
    },
    {
        "category": CLOSING, "name": "Review request", "name_zh_hans": "邀请评价",
        "tags": "review, feedback, follow-up",
        "body_en": """Hi {{customer_name}}, I'm so glad you're loving your [product name]! 🎉

If you have a moment, would you mind leaving a quick review? It really helps our small business and other customers decide. Here's the link: [review link]

You can also just reply to this message with your thoughts, and I can post it as a review (with your permission, of course).

Thanks so much! Your support means the world to us! 💕""",
        "body_zh_hans": """{{customer_name}}您好，很高兴您喜欢[商品名称]！🎉

如果方便的话，能帮我们写一条简短的评价吗？这对我们小店和其他顾客做选择都非常有帮助。评价链接在这里：[评价链接]

您也可以直接回复这条消息分享您的感受，经您同意后，我可以帮您发布为评价。

非常感谢！您的支持对我们意义重大！💕""",
    },
    {
        "category": CLOSING, "name": "After a return: check in", "name_zh_hans": "退货后跟进",
        "tags": "follow-up, return, relationship",
        "body_en": """Hi {{customer_name}}, I hope you're doing well!

It's been a month since your return, and I wanted to check in and see how you're doing.

I know [product name] didn't work out, but I value you as a customer and want to make sure you find exactly what you need.

Is there anything I can help you with? I'd be happy to:
- Recommend products based on your needs
- Answer any questions
- Offer a special discount as a thank-you for your patience

Let me know! I'm here to help. 😊""",
        "body_zh_hans": """{{customer_name}}您好，希望您一切都好！

距离您退货已经一个月了，想来问候一下您的近况。

我知道[商品名称]当时不太合适，但我很珍惜您这位顾客，希望能帮您找到真正需要的商品。

有什么我可以帮忙的吗？我很乐意：
- 根据您的需求推荐商品
- 解答任何疑问
- 送您一份专属优惠，感谢您的耐心

随时告诉我！我一直都在。😊""",
    },
    {
        "category": SPECIAL, "name": "Tier-up congratulations", "name_zh_hans": "会员升级祝贺",
        "tags": "vip, tier, loyalty, upgrade",
        "body_en": """Hi {{customer_name}}! Great news! 🎉

You've reached {{tier_name}} status in our loyalty program!

Here's what that means:
{{tier_perks}}

Your {{tier_name}} status never expires - enjoy!

As a special welcome to {{tier_name}} status, here's a one-time bonus: {{coupon_code}}

Thanks for being such an amazing customer! 💕""",
        "body_zh_hans": """{{customer_name}}您好！好消息！🎉

您已升级为我们的{{tier_name}}！

您将享有以下权益：
{{tier_perks}}

您的{{tier_name}}身份永久有效，尽情享受吧！

为欢迎您成为{{tier_name}}，特别送您一份一次性礼遇：{{coupon_code}}

感谢您一直以来的支持！💕""",
    },
    {
        "category": SPECIAL, "name": "Escalation to a supervisor", "name_zh_hans": "转交主管处理",
        "tags": "escalation, supervisor, manager",
        "body_en": """I understand this is frustrating, and I want to make sure we get this resolved properly for you.

Let me connect you with my supervisor who has more authority to help with this situation. You'll hear back within 2 hours.

In the meantime, is there anything else I can help with?""",
        "body_zh_hans": """我理解这让您很困扰，我希望能把这件事妥善地为您解决。

我会为您联系我的主管，主管有更大的权限来处理这个情况。2小时内会给您回复。

在此期间，还有什么我可以帮您的吗？""",
    },
    {
        "category": SPECIAL, "name": "Milestone thank-you", "name_zh_hans": "里程碑感谢",
        "tags": "vip, milestone, loyalty, gift",
        "body_en": """Hi {{customer_name}}! Guess what? You've been a valued customer for [X time/number of orders] now! 🎉

I really appreciate your support! To say thank you, here's a special gift: {{coupon_code}}

You're one of our favorite customers, and I wanted to make sure you know how much we value you! 💕

Let me know if there's ever anything I can help you with! 😊""",
        "body_zh_hans": """{{customer_name}}您好！告诉您一个好消息：您已经陪伴我们[X时间/订单数]啦！🎉

非常感谢您的支持！为表谢意，送您一份特别礼物：{{coupon_code}}

您是我们最喜爱的顾客之一，想让您知道我们有多珍视您！💕

以后有任何需要，随时告诉我！😊""",
    },
    {
        "category": SPECIAL, "name": "Personal thanks for a big order",
        "name_zh_hans": "大额订单专属感谢", "tags": "vip, high value, thank you, personal",
        "body_en": """Hi {{customer_name}}, just wanted to personally thank you for your order!

I saw you ordered {{order_items}} - excellent choice! It's one of my favorites because [personal note about product].

If you have any questions about using it, just let me know! I'm happy to share tips and tricks.

Your order will ship within 24 hours. Talk soon! 💕
{{agent_name}}""",
        "body_zh_hans": """{{customer_name}}您好，想亲自感谢您的订购！

看到您买了{{order_items}}——眼光真好！这也是我最喜欢的商品之一，因为[关于商品的个人感受]。

使用上有任何问题，随时问我！很乐意和您分享使用技巧。

您的订单将在24小时内发货。期待再聊！💕
{{agent_name}}""",
    },
    {
        "category": SPECIAL, "name": "Public reply to a complaint", "name_zh_hans": "公开回复差评",
        "tags": "review, public, complaint, social",
        "body_en": """Thank you for your feedback. We value your support and are working with our supplier to fix this issue. Please check your email for return and refund instructions.""",
        "body_zh_hans": """感谢您的反馈。我们非常重视您的支持，正在与供应商一起解决这个问题。请查看您的电子邮件，获取退货和退款说明。""",
    },
]

MACROS = [
    {"name": "Shipping delay: apologise and follow up", "name_zh_hans": "物流延误：致歉并跟进",
     "template": "Late shipping apology", "set_status": "pending", "set_priority": "high",
     "add_tags": "shipping-delay"},
    {"name": "Damaged item: replacement sent", "name_zh_hans": "商品破损：已补发",
     "template": "Damaged product", "set_status": "pending", "add_tags": "damaged, replacement"},
    {"name": "Wrong item: correct one sent", "name_zh_hans": "发错商品：已补发正确商品",
     "template": "Wrong item shipped", "set_status": "pending", "add_tags": "wrong-item"},
    {"name": "Refund processed and solved", "name_zh_hans": "退款完成并解决",
     "template": "Refund processed", "set_status": "solved", "add_tags": "refund"},
    {"name": "Escalate to a supervisor", "name_zh_hans": "转交主管",
     "template": "Escalation to a supervisor", "set_priority": "high",
     "add_tags": "escalated", "assign_to_me": False},
]

AGENT_PERMISSIONS = ["view_replytemplate", "view_macro"]


def grant_permissions(apps):
    """The admin group manages templates and macros; agents may read them."""
    app_config = apps.get_app_config("replies")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="replies")
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name__in=["agent", "manager"]):
        group.permissions.add(*ours.filter(codename__in=AGENT_PERMISSIONS))


def seed(apps, schema_editor):
    grant_permissions(apps)
    ReplyTemplate = apps.get_model("replies", "ReplyTemplate")
    Macro = apps.get_model("replies", "Macro")
    by_name = {}
    for values in TEMPLATES:
        template, _ = ReplyTemplate.objects.update_or_create(
            name=values["name"], owner=None, defaults=values)
        by_name[template.name] = template
    for values in MACROS:
        values = {**values, "template": by_name[values["template"]]}
        Macro.objects.update_or_create(name=values["name"], owner=None, defaults=values)


def unseed(apps, schema_editor):
    apps.get_model("replies", "Macro").objects.filter(
        owner=None, name__in=[m["name"] for m in MACROS]).delete()
    apps.get_model("replies", "ReplyTemplate").objects.filter(
        owner=None, name__in=[t["name"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("replies", "0001_initial"),
        ("helpdesk", "0002_roles"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
